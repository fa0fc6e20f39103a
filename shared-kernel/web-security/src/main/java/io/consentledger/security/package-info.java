/** Both applications' web security: authentication (JWT or developer API keys), the party model, function-level rules, correlation ids, body and rate limits. */
package io.consentledger.security;
