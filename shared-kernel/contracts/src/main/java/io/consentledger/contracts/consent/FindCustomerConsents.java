package io.consentledger.contracts.consent;

/** Query: a customer's dashboard of who has access to their data, since when, for what, and until when. */
public record FindCustomerConsents(String customerId) {
}
