package io.consentledger.contracts.common;

import java.math.BigDecimal;

/**
 * An exact, signed amount in one currency. Never floating point: {@link BigDecimal} plus an ISO 4217 code.
 * Equality compares the amount numerically ({@code 10.0 EUR} equals {@code 10.00 EUR}).
 */
public record Money(BigDecimal amount, String currency) {

    public Money {
        Checks.required(amount, "amount");
        CurrencyCode.iso(currency, "currency");
    }

    public static Money of(BigDecimal amount, String currency) {
        return new Money(amount, currency);
    }

    public boolean sameCurrencyAs(String otherCurrency) {
        return currency.equals(otherCurrency);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Money other && currency.equals(other.currency) && amount.compareTo(other.amount) == 0;
    }

    @Override
    public int hashCode() {
        return currency.hashCode() * 31 + amount.stripTrailingZeros().hashCode();
    }
}
