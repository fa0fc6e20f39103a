package io.consentledger.contracts.consent;

/** A link a consent covers, with what the ledger knew of it when the consent was requested. */
public record ConsentedLink(String linkId, String customerId, String providerId, String accountId, String currency) {
}
