package io.consentledger.contracts.consent;

/** Query: one consent's current view and status history. */
public record FindConsent(String consentId) {
}
