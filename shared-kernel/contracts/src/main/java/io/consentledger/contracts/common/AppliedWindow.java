package io.consentledger.contracts.common;

import java.time.Instant;

/** The concrete window a share was checked against: both bounds inclusive. */
public record AppliedWindow(Instant from, Instant to) {

    public AppliedWindow {
        Checks.required(from, "from");
        Checks.required(to, "to");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("window.from must not be after window.to");
        }
    }

    /** Inclusive on both sides: {@code from <= instant <= to}. */
    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && !instant.isAfter(to);
    }
}
