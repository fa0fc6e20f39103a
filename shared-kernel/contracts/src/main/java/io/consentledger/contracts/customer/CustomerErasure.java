package io.consentledger.contracts.customer;

import java.time.Instant;

/** The command API's answer to an erasure request: {@code PENDING} until {@code eraseAt}, then {@code ERASED}. */
public record CustomerErasure(String customerId, Status status, Instant eraseAt) {

    /** Where an erasure stands. */
    public enum Status { PENDING, ERASED }
}
