/** Standard Webhooks signing: {@code whsec_} secrets, HMAC-SHA256 signatures over {@code id.timestamp.body}, rotation with both signatures. */
package io.consentledger.query.notification.signing;
