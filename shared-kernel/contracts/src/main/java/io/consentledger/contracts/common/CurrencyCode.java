package io.consentledger.contracts.common;

import java.util.Currency;

/** ISO 4217 alphabetic currency codes, validated against {@link Currency}. */
public final class CurrencyCode {

    private CurrencyCode() {
    }

    /** Returns the code if it is an ISO 4217 alphabetic code (upper case, as written by ISO). */
    public static String iso(String code, String field) {
        Checks.required(code, field);
        if (!code.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException(field + " must be an ISO 4217 code of three upper-case letters");
        }
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException(field + " is not an ISO 4217 currency");
        }
        return code;
    }
}
