package io.consentledger.contracts.common;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Argument checks shared by the message records. Every failure is an {@link IllegalArgumentException} naming the
 * offending field, never its value (values may be personal data).
 */
public final class Checks {

    /**
     * The one id grammar (issue 14, finding 12): 1 to 64 characters of letters, digits, '.', '_', '-' and ':', the
     * first a letter or a digit. So every id is a plain URL path segment: never "." or "..", which a path cannot
     * carry.
     */
    public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,63}";
    private static final Pattern ID = Pattern.compile(ID_PATTERN);

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
            throw new IllegalArgumentException(field + " must be 1 to 64 characters of [A-Za-z0-9._:-], the first a letter or digit");
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
