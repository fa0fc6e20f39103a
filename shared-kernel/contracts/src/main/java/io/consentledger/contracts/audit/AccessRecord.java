package io.consentledger.contracts.audit;

import java.time.Instant;
import java.util.List;

/**
 * One share of data, as the audit trail shows it: who received what, of whom, when, under which consent and for
 * which purpose, who sent the command, and where the event stands in the log.
 */
public record AccessRecord(String eventId, long globalPosition, Instant sharedAt, String dataType, String shareId,
                           String recipientId, String providerId, String customerId, String linkId, String consentId,
                           String scope, String purpose, List<String> transactionIds, List<String> newTransactionIds,
                           Instant windowFrom, Instant windowTo, String principal, String party,
                           String correlationId) {
}
