package io.consentledger.contracts.share;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The current balance of a linked account as known from shares: the latest shared balance plus the transactions
 * shared since its {@code asOf}, each transaction id counted once.
 *
 * @param amount     null while only transactions, and no balance, have been shared
 * @param asOf       the {@code asOf} of the balance this is derived from
 * @param derivedFrom the events it is derived from: the balance share first, then transaction shares
 */
public record BalanceView(String linkId, BigDecimal amount, String currency, Instant asOf,
                          Instant latestTransactionBookedAt, int transactionsSinceBalance,
                          List<Source> derivedFrom) {

    public record Source(String eventId, String eventType, String shareId) {
    }
}
