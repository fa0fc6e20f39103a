/** The consent aggregate: requests, authorisation, revocation, expiry and the shares made under a consent. */
package io.consentledger.command.consent;
