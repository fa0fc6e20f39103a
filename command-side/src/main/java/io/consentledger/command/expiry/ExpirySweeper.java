package io.consentledger.command.expiry;

import io.consentledger.command.common.SystemCommands;
import io.consentledger.contracts.consent.ExpireConsent;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends {@link ExpireConsent} for every consent whose expiry minute has come. Safe to run on any number of
 * instances at once: the command is idempotent at the aggregate, and the event store's optimistic concurrency lets
 * only one ConsentExpired be appended. A failed command leaves its id in the bucket for the next sweep.
 */
public class ExpirySweeper {

    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);
    /** At most this many minutes per sweep when catching up after a long downtime (one week). */
    /** The principal its commands are attributed to. */
    static final String PRINCIPAL = "expiry-sweeper";
    static final long MAX_MINUTES_PER_SWEEP = 7 * 24 * 60;

    private final ExpiryBuckets buckets;
    private final CommandGateway commands;
    private final Clock clock;
    private final long overlapMinutes;

    public ExpirySweeper(ExpiryBuckets buckets, CommandGateway commands, Clock clock, long overlapMinutes) {
        this.buckets = buckets;
        this.commands = commands;
        this.clock = clock;
        this.overlapMinutes = overlapMinutes;
    }

    /** @return how many consents this sweep expired */
    public int sweep() {
        long nowMinute = ExpiryBuckets.minuteOf(clock.instant());
        Long cursor = buckets.cursor().orElse(null);
        if (cursor == null) {
            return 0;
        }
        long from = Math.min(cursor, nowMinute) - overlapMinutes;
        long to = Math.min(nowMinute, from + MAX_MINUTES_PER_SWEEP);
        long lowestOpen = to;
        int expired = 0;
        for (ExpiryBuckets.Bucket bucket : buckets.between(from, to)) {
            List<String> handled = new ArrayList<>();
            for (String consentId : bucket.consentIds()) {
                try {
                    if (Boolean.TRUE.equals(SystemCommands.sendAndWait(commands, new ExpireConsent(consentId), PRINCIPAL))) {
                        expired++;
                    }
                    handled.add(consentId);
                } catch (AggregateNotFoundException unknown) {
                    handled.add(consentId);
                } catch (RuntimeException failure) {
                    // Another instance expiring it at the same moment, or a store hiccup: the next sweep retries.
                    log.warn("Expiring consent {} failed ({}); will retry", consentId, failure.getClass().getSimpleName());
                }
            }
            boolean closed = bucket.minute() < nowMinute;
            if (closed) {
                buckets.done(bucket.minute(), handled);
            }
            if (!closed || handled.size() < bucket.consentIds().size()) {
                lowestOpen = Math.min(lowestOpen, bucket.minute());
            }
        }
        if (lowestOpen > cursor) {
            buckets.advanceCursor(cursor, lowestOpen);
        }
        if (expired > 0) {
            log.info("Recorded {} consent expiries", expired);
        }
        return expired;
    }
}
