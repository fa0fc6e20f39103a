package io.consentledger.contracts.consent;

import io.consentledger.contracts.audit.LogCheckpoint;

/**
 * Query: one consent's current view and status history, or, with {@code asOf}, the view folded from its history up
 * to that checkpoint's tree size (empty if the consent was not requested by then).
 */
public record FindConsent(String consentId, LogCheckpoint asOf) {

    public FindConsent(String consentId) {
        this(consentId, null);
    }
}
