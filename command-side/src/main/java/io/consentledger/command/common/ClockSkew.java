package io.consentledger.command.common;

import java.time.Duration;
import java.time.Instant;

/**
 * How far ahead of the ledger's clock an instant a command carries may be (issue 14, finding 6): the clocks of
 * banks and recipients are not the ledger's, so a small allowance ({@code consent-ledger.clock-skew-allowance},
 * default 5 minutes). Beyond it an instant is refused: a balance "as of" next year would otherwise win over every
 * later correct balance for good. Injected into the aggregates' command handlers.
 */
public record ClockSkew(Duration allowance) {

    public static final Duration DEFAULT = Duration.ofMinutes(5);

    public ClockSkew {
        if (allowance == null || allowance.isNegative()) {
            throw new IllegalArgumentException("the clock-skew allowance must be zero or positive");
        }
    }

    /** Returns {@code instant} unless it lies more than the allowance after {@code now}: then 400 invalid-request. */
    public Instant requireNotFuture(Instant instant, Instant now, String field) {
        if (instant.isAfter(now.plus(allowance))) {
            throw new InvalidCommand(field + " must not be later than the ledger's clock plus " + allowance);
        }
        return instant;
    }
}
