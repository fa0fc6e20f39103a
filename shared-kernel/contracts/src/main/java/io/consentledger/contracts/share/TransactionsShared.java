package io.consentledger.contracts.share;

import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;

import java.time.Instant;
import java.util.List;

/**
 * Transactions left the bank. The event keeps ids and {@link TransactionFacts} (booking time, signed amount,
 * currency, channel), not contents: descriptions and merchants are personal data and events are forever.
 * {@code newTransactionIds} are the ids not shared before under this consent and link, so downstream counts never
 * count one twice. The facts let projections derive balances and let the compliance check verify the window and the
 * channel from the events alone.
 */
public record TransactionsShared(String shareId,
                                 String consentId,
                                 String linkId,
                                 String recipientId,
                                 String providerId,
                                 String customerId,
                                 Scope scope,
                                 Purpose purpose,
                                 List<String> transactionIds,
                                 List<String> newTransactionIds,
                                 AppliedWindow window,
                                 Instant sharedAt,
                                 List<TransactionFacts> transactions) {

    public TransactionsShared {
        transactions = transactions == null ? List.of() : List.copyOf(transactions);
    }
}
