package io.consentledger.contracts.share;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Money;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One transaction a provider shares: signed exact amount (negative = debit), its currency, when it was booked,
 * and the channel it went through. Amounts are bounded ({@link Money}) (compared with the recipient id for TRANSACTIONS_VIA_RECIPIENT).
 */
public record SharedTransaction(String transactionId,
                                Instant bookedAt,
                                BigDecimal amount,
                                String currency,
                                String description,
                                String merchant,
                                String channel) {

    public SharedTransaction {
        Checks.id(transactionId, "transactions[].transactionId");
        Checks.required(bookedAt, "transactions[].bookedAt");
        Money.amount(amount, currency, "transactions[].amount");
        Checks.text(description, "transactions[].description", 500);
        if (merchant != null) {
            Checks.text(merchant, "transactions[].merchant", 200);
        }
        Checks.text(channel, "transactions[].channel", 64);
    }
}
