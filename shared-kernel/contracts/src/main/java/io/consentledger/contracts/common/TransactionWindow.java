package io.consentledger.contracts.common;

import java.time.Duration;
import java.time.Instant;

/**
 * Which transactions a consent covers: either a fixed {@code [from, to]} or a lookback of {@code lookbackDays}.
 * Exactly one form is set; a plain record (no polymorphism) so that it serializes without type information.
 * <ul>
 *     <li>Fixed: a transaction booked at {@code t} is inside when {@code from <= t <= to} (both bounds inclusive).</li>
 *     <li>Lookback of N days, for a share at instant {@code s}: inside when {@code s - N*24h <= t <= s} (both bounds
 *     inclusive). It counts back from the time of the share, not of the grant (FDX). A transaction booked after
 *     the share instant is outside.</li>
 * </ul>
 * A window is also part of stored events ({@code ConsentRequested}), so its constructor keeps only the checks it
 * always had: events are forever, and one stored before a bound was added must still be read. New bounds are checked
 * on the command ({@link #requireBoundedSpan}, called by {@code RequestConsent}).
 */
public record TransactionWindow(Instant from, Instant to, Integer lookbackDays) {

    public static final int MAX_LOOKBACK_DAYS = 3650;

    public TransactionWindow {
        boolean fixed = from != null || to != null;
        if (fixed && lookbackDays != null) {
            throw new IllegalArgumentException("window must be either from/to or lookbackDays, not both");
        }
        if (fixed) {
            Checks.required(from, "window.from");
            Checks.required(to, "window.to");
            if (from.isAfter(to)) {
                throw new IllegalArgumentException("window.from must not be after window.to");
            }
        } else {
            Checks.required(lookbackDays, "window.lookbackDays");
            if (lookbackDays < 1 || lookbackDays > MAX_LOOKBACK_DAYS) {
                throw new IllegalArgumentException("window.lookbackDays must be between 1 and " + MAX_LOOKBACK_DAYS);
            }
        }
    }

    /**
     * Issue 14, finding 13: a fixed window spans at most {@value #MAX_LOOKBACK_DAYS} days, as far as the longest
     * lookback reaches. Checked on commands, not in the constructor (see above).
     */
    public TransactionWindow requireBoundedSpan() {
        if (!lookbackBased() && from.isBefore(to.minus(Duration.ofDays(MAX_LOOKBACK_DAYS)))) {
            throw new IllegalArgumentException("window must span at most " + MAX_LOOKBACK_DAYS + " days");
        }
        return this;
    }

    public static TransactionWindow fixed(Instant from, Instant to) {
        return new TransactionWindow(from, to, null);
    }

    public static TransactionWindow lookback(int days) {
        return new TransactionWindow(null, null, days);
    }

    public boolean lookbackBased() {
        return lookbackDays != null;
    }

    /** The concrete window for a share made at {@code shareTime}. */
    public AppliedWindow appliedAt(Instant shareTime) {
        return lookbackBased()
                ? new AppliedWindow(shareTime.minus(Duration.ofDays(lookbackDays)), shareTime)
                : new AppliedWindow(from, to);
    }
}
