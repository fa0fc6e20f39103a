package io.consentledger.command.customer;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Reference rule 12 (CFPB 1033 §1033.441): authorisation evidence and revocation records are kept at least 3 years
 * after the latest authorisation. Three calendar years in UTC.
 */
public final class Retention {

    public static final int YEARS = 3;

    private Retention() {
    }

    /** When the customer's data may be erased: 3 years after the latest authorisation, or now when none applies. */
    public static Instant eraseAt(Instant latestAuthorisationAt, Instant now) {
        if (latestAuthorisationAt == null) {
            return now;
        }
        Instant end = latestAuthorisationAt.atOffset(ZoneOffset.UTC).plusYears(YEARS).toInstant();
        return end.isAfter(now) ? end : now;
    }
}
