package io.consentledger.query.compliance;

import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.share.TransactionFacts;

import java.time.Instant;
import java.util.List;

/**
 * A share as the compliance check sees it.
 *
 * @param sequence      its sequence number in its consent's event stream; -1 for a share that is not an event of that
 *                      consent (it can only have been written past the command side)
 * @param clusterShared the data cluster shared: BALANCES for a balance, the share's scope for transactions
 * @param transactions  the transactions shared; none for a balance
 */
record Share(String eventId, long position, long sequence, String shareId, String consentId, String linkId,
             String recipientId, String customerId, Scope scope, Scope clusterShared, Purpose purpose,
             Instant sharedAt, List<TransactionFacts> transactions) {
}
