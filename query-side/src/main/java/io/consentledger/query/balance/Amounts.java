package io.consentledger.query.balance;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The amounts a balance is computed from, bounded: what money can have is at most {@value #MAX_INTEGER_DIGITS}
 * integer digits and at most {@value #MAX_SCALE} decimal places. The command side bounds amounts at the API (issue
 * 14); events and read models written before that may hold anything (an amount of {@code 1E+1000000} was accepted),
 * and arithmetic on such a value, or printing it, costs seconds of CPU. Such an amount is never added, printed or
 * parsed here: the read model stores it as out of range, and a stored text too long to be an amount is never parsed.
 */
final class Amounts {

    static final int MAX_INTEGER_DIGITS = 18;
    static final int MAX_SCALE = 18;
    /** Sign, the digits, a point: the longest text an amount within range has. */
    static final int MAX_TEXT_LENGTH = 1 + MAX_INTEGER_DIGITS + 1 + MAX_SCALE;

    private Amounts() {
    }

    /** Whether the amount is one money can have; cheap for any value (precision and scale only). */
    static boolean inRange(BigDecimal amount) {
        if (amount.scale() > MAX_SCALE || amount.scale() < -MAX_INTEGER_DIGITS) {
            return false;
        }
        return amount.signum() == 0 || amount.precision() - amount.scale() <= MAX_INTEGER_DIGITS;
    }

    /** The amount as stored in the read model: plain digits, or empty when it is out of range. */
    static Optional<String> stored(BigDecimal amount) {
        return amount != null && inRange(amount) ? Optional.of(amount.toPlainString()) : Optional.empty();
    }

    /** The stored amount, or empty when it is missing or out of range; a text too long is never parsed. */
    static Optional<BigDecimal> read(String stored) {
        if (stored == null || stored.length() > MAX_TEXT_LENGTH) {
            return Optional.empty();
        }
        try {
            BigDecimal amount = new BigDecimal(stored);
            return inRange(amount) ? Optional.of(amount) : Optional.empty();
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }
}
