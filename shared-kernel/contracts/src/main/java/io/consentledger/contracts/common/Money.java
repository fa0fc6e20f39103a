package io.consentledger.contracts.common;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * Bounds on an amount of money, checked wherever a command takes one (issue 14, finding 2): at most
 * {@value #MAX_INTEGER_DIGITS} integer digits, and no more decimals than the currency's minor units (ISO 4217: 2 for
 * EUR, 0 for JPY, 3 for BHD; {@value #MAX_SCALE_WITHOUT_MINOR_UNITS} for codes without minor units, such as XAU).
 * Trailing zeros are not precision: {@code 1250.750} EUR is 1250.75. An amount written with more than
 * {@value #MAX_DIGITS} digits is refused before it is looked at any further.
 */
public final class Money {

    public static final int MAX_INTEGER_DIGITS = 18;
    public static final int MAX_SCALE_WITHOUT_MINOR_UNITS = 6;
    /** Digits as written (trailing zeros included): bounds the work of normalising an amount. */
    public static final int MAX_DIGITS = 64;

    private Money() {
    }

    /** Returns {@code amount} if it is a bounded amount of {@code currency} (an ISO 4217 code, checked first). */
    public static BigDecimal amount(BigDecimal amount, String currency, String field) {
        Checks.required(amount, field);
        int minorUnits = minorUnits(CurrencyCode.iso(currency, field.replace("amount", "currency")));
        if (amount.signum() == 0) {
            return amount;
        }
        if (amount.precision() > MAX_DIGITS || amount.precision() - (long) amount.scale() > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException(field + " must have at most " + MAX_INTEGER_DIGITS + " integer digits");
        }
        if (amount.scale() > minorUnits && amount.stripTrailingZeros().scale() > minorUnits) {
            throw new IllegalArgumentException(field + " must have at most " + minorUnits + " decimals (the currency's minor units)");
        }
        return amount;
    }

    /** The decimals an amount of {@code currency} may have. */
    public static int minorUnits(String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return digits < 0 ? MAX_SCALE_WITHOUT_MINOR_UNITS : digits;
    }
}
