package io.consentledger.contracts.common;

/**
 * How often data may be shared under a consent: once ({@code oneOff}), or at most {@code maxPerDay} times per UTC
 * day (Berlin Group {@code recurringIndicator} / {@code frequencyPerDay}). Exactly one form is set.
 */
public record AccessFrequency(boolean oneOff, Integer maxPerDay) {

    public static final int MAX_PER_DAY_LIMIT = 10_000;

    public AccessFrequency {
        if (oneOff && maxPerDay != null) {
            throw new IllegalArgumentException("frequency must be either oneOff or maxPerDay, not both");
        }
        if (!oneOff) {
            Checks.required(maxPerDay, "frequency.maxPerDay");
            if (maxPerDay < 1 || maxPerDay > MAX_PER_DAY_LIMIT) {
                throw new IllegalArgumentException("frequency.maxPerDay must be between 1 and " + MAX_PER_DAY_LIMIT);
            }
        }
    }

    public static AccessFrequency once() {
        return new AccessFrequency(true, null);
    }

    public static AccessFrequency perDay(int max) {
        return new AccessFrequency(false, max);
    }
}
