package io.consentledger.contracts.share;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.Personal;
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
public record TransactionsShared(@NotPersonal String shareId,
                                 @NotPersonal String consentId,
                                 @NotPersonal String linkId,
                                 @NotPersonal String recipientId,
                                 @NotPersonal String providerId,
                                 @DataSubject String customerId,
                                 @NotPersonal Scope scope,
                                 @NotPersonal Purpose purpose,
                                 @Personal List<String> transactionIds,
                                 @Personal List<String> newTransactionIds,
                                 @NotPersonal AppliedWindow window,
                                 @NotPersonal Instant sharedAt,
                                 @Personal List<TransactionFacts> transactions) {

    public TransactionsShared {
        transactions = transactions == null ? List.of() : List.copyOf(transactions);
    }
}
