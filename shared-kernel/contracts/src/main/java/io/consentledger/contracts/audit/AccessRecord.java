package io.consentledger.contracts.audit;

import java.time.Instant;
import java.util.List;

/**
 * One share of data, as the audit trail shows it: who received what, of whom, when, under which consent and for
 * which purpose, who sent the command, and where the event stands in the log.
 *
 * @param globalPosition the share event's global position in the event log (the first position is 1)
 * @param leafIndex      the event's leaf in the verifiable log's tree: {@code globalPosition - 1}; null for a record
 *                       stored before leaf indexes were recorded (a replay of the access log fills it)
 * @param erased         true once the customer's personal data is erased (issue 16): {@code transactionIds} and
 *                       {@code newTransactionIds} are then null; every identifier of who saw what stays
 */
public record AccessRecord(String eventId, long globalPosition, Instant sharedAt, String dataType, String shareId,
                           String recipientId, String providerId, String customerId, String linkId, String consentId,
                           String scope, String purpose, List<String> transactionIds, List<String> newTransactionIds,
                           Instant windowFrom, Instant windowTo, String principal, String party,
                           String correlationId, Long leafIndex, boolean erased) {
}
