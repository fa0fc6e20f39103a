package io.consentledger.query.compliance;

import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.eventstore.EventLog;

import java.time.Instant;
import java.util.List;

/**
 * A share as the compliance check sees it.
 *
 * The share's global position is not here: its tracking token does not name it (an event that fills a gap is delivered
 * with a token whose index stays where later events took it); {@link #key()} finds it in the log.
 *
 * @param sequence      its sequence number in its consent's event stream; -1 for a share that is not an event of that
 *                      consent (it can only have been written past the command side)
 * @param clusterShared the data cluster shared: BALANCES for a balance, the share's scope for transactions
 * @param transactions  the transactions shared; none for a balance, and none once erased
 * @param providerId    the customer's provider, who with the customer id names the data subject
 * @param erased        the customer's personal data is erased: the window and channel cannot be checked any more
 */
record Share(String eventId, long sequence, String shareId, String consentId, String linkId,
             String recipientId, String customerId, Scope scope, Scope clusterShared, Purpose purpose,
             Instant sharedAt, List<TransactionFacts> transactions, String providerId, boolean erased) {

    Share(String eventId, long sequence, String shareId, String consentId, String linkId, String recipientId,
          String customerId, Scope scope, Scope clusterShared, Purpose purpose, Instant sharedAt,
          List<TransactionFacts> transactions) {
        this(eventId, sequence, shareId, consentId, linkId, recipientId, customerId, scope, clusterShared, purpose,
             sharedAt, transactions, null, false);
    }

    /** How the log finds the share's event: by its consent and sequence number, or by its id alone. */
    EventLog.EventKey key() {
        return sequence >= 0 ? new EventLog.EventKey(eventId, consentId, sequence) : new EventLog.EventKey(eventId, null, null);
    }
}
