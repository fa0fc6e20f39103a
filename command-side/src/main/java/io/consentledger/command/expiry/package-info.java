/** Consent expiry: a durable schedule of expiry minutes and the sweeper that sends ExpireConsent as SYSTEM. */
package io.consentledger.command.expiry;
