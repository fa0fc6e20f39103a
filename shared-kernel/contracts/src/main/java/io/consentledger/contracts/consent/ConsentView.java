package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.audit.LogCheckpoint;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A consent as the query side knows it.
 *
 * @param status         the effective status: AUTHORISED or AWAITING_AUTHORISATION from {@code expiresAt} on reads
 *                       EXPIRED even before {@code ConsentExpired} is recorded
 * @param recordedStatus the status the event log has recorded so far
 * @param checkpoint     for a point-in-time answer, the checkpoint it was folded at (its status is effective at the
 *                       checkpoint's {@code signedAt}); null for the view of today
 */
public record ConsentView(String consentId, String recipientId, String customerId, String providerId,
                          List<String> linkIds, Set<Scope> scopes, Set<Purpose> purposes, TransactionWindow window,
                          AccessFrequency frequency, Instant requestedAt, Instant authorisedAt, Instant expiresAt,
                          ConsentStatus status, ConsentStatus recordedStatus, List<StatusChange> history,
                          LogCheckpoint checkpoint) {

    /**
     * One entry of the status history: what happened, when, why and on whose initiative, and the event's leaf in the
     * verifiable log ({@code leafIndex}, null for an entry stored before leaf indexes were recorded).
     */
    public record StatusChange(String change, ConsentStatus status, Instant at, String reason, String initiator,
                               String eventId, Long leafIndex) {
    }
}
