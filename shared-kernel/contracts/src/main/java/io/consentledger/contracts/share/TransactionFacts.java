package io.consentledger.contracts.share;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What the ledger keeps of one shared transaction: enough to derive balances and to check the transaction window and
 * the channel after the fact, and nothing personal (no description, no merchant).
 */
public record TransactionFacts(String transactionId, Instant bookedAt, BigDecimal amount, String currency,
                               String channel) {

    public static TransactionFacts of(SharedTransaction transaction) {
        return new TransactionFacts(transaction.transactionId(), transaction.bookedAt(), transaction.amount(),
                                    transaction.currency(), transaction.channel());
    }
}
