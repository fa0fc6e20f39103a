package io.consentledger.contracts.consent;

import io.consentledger.contracts.audit.LogCheckpoint;

/**
 * Query: a customer's dashboard of who has access to their data, since when, for what, and until when; with
 * {@code asOf}, as the log stood at that checkpoint (see {@link FindConsent}).
 */
public record FindCustomerConsents(String customerId, LogCheckpoint asOf) {

    public FindCustomerConsents(String customerId) {
        this(customerId, null);
    }
}
