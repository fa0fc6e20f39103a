package io.consentledger.query.erasure;

import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;

/**
 * Whether a share event's personal values read as erased. The upcaster chain gives {@code null} for every personal
 * field whose customer's key was destroyed, and these fields are never null otherwise (the command side requires an
 * amount and transaction ids), so a projection tells an erased event from the event itself: in the live run and in
 * a replay alike.
 */
public final class ErasedValues {

    private ErasedValues() {
    }

    public static boolean of(BalanceShared event) {
        return event.amount() == null;
    }

    public static boolean of(TransactionsShared event) {
        return event.transactionIds() == null;
    }
}
