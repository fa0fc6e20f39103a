package io.consentledger.contracts.audit;

import java.time.Instant;

/** Query: which recipients saw data of a customer between two instants, and for which purposes. */
public record FindRecipientsOfCustomer(String customerId, Instant from, Instant to) {
}
