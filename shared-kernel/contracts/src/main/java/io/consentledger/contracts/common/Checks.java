package io.consentledger.contracts.common;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Argument checks shared by the message records. Every failure is an {@link IllegalArgumentException} naming the
 * offending field, never its value (values may be personal data).
 */
public final class Checks {

    /** Ids are opaque: letters, digits, '.', '_', '-' and ':', 1 to 64 characters. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Checks() {
    }

    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    public static String id(String value, String field) {
        required(value, field);
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1 to 64 characters of [A-Za-z0-9._:-]");
        }
        return value;
    }

    public static String text(String value, String field, int maxLength) {
        required(value, field);
        if (value.isBlank() || value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be non-blank and at most " + maxLength + " characters");
        }
        return value;
    }

    public static <C extends Collection<?>> C notEmpty(C value, String field) {
        required(value, field);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        for (Object element : value) {
            if (element == null) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
        }
        return value;
    }
}
