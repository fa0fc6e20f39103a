package io.consentledger.contracts.audit;

/** Query: was any data shared outside a consent? Optionally for one consent only. */
public record CheckCompliance(String consentId) {
}
