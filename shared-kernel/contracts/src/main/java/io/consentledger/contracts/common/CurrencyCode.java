package io.consentledger.contracts.common;

import java.util.Currency;

/** ISO 4217 alphabetic currency codes, validated against {@link Currency}. */
public final class CurrencyCode {

    /** Compiled once: {@code String.matches} compiled it on every share (issue 17's profile). */
    private static final java.util.regex.Pattern THREE_UPPER_CASE_LETTERS = java.util.regex.Pattern.compile("[A-Z]{3}");

    private CurrencyCode() {
    }

    /** Returns the code if it is an ISO 4217 alphabetic code (upper case, as written by ISO). */
    public static String iso(String code, String field) {
        Checks.required(code, field);
        if (!THREE_UPPER_CASE_LETTERS.matcher(code).matches()) {
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
