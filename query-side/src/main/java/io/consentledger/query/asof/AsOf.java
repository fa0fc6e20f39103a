package io.consentledger.query.asof;

import org.springframework.format.annotation.DateTimeFormat;

import java.time.Instant;

/**
 * The point-in-time parameters the audit endpoints take, bound whole from the query string: {@code asOf}, an
 * ISO-8601 instant (the latest checkpoint signed at or before it), or {@code asOfSize}, a tree size (the checkpoint
 * of exactly that size); at most one of them. Neither: the answer of today.
 */
public record AsOf(@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant asOf, Long asOfSize) {

    public boolean asked() {
        return asOf != null || asOfSize != null;
    }
}
