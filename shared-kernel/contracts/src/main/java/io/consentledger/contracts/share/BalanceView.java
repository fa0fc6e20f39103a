package io.consentledger.contracts.share;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The current balance of a linked account as known from shares: the latest shared balance plus the transactions
 * shared since its {@code asOf}, each transaction id counted once.
 *
 * @param amount           null while only transactions, and no balance, have been shared, or when it is out of range
 * @param asOf             the {@code asOf} of the balance this is derived from
 * @param derivedFrom      the events it is derived from: the balance share first, then transaction shares
 * @param amountOutOfRange true when the balance or a transaction it adds holds an amount no money can have (more
 *                         than 18 integer digits or more than 18 decimal places, accepted before the command side
 *                         bounded amounts): the figure is then not computed and {@code amount} is null;
 *                         {@code derivedFrom} still names the events
 * @param erased           true once the customer's personal data is erased (issue 16): {@code amount} and
 *                         {@code latestTransactionBookedAt} are then null and {@code transactionsSinceBalance} 0;
 *                         {@code derivedFrom} still names the share events
 */
public record BalanceView(String linkId, BigDecimal amount, String currency, Instant asOf,
                          Instant latestTransactionBookedAt, int transactionsSinceBalance,
                          List<Source> derivedFrom, boolean amountOutOfRange, boolean erased) {

    public record Source(String eventId, String eventType, String shareId) {
    }
}
