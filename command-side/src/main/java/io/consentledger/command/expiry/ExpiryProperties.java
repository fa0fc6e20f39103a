package io.consentledger.command.expiry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code consent-ledger.expiry.*}.
 *
 * @param sweepInterval  how often the sweeper looks for consents due to expire (default 15 s)
 * @param overlapMinutes minutes re-read behind the cursor, for buckets written late (default 5)
 * @param scheduler      {@code scheduler.enabled}: false leaves sweeping to whoever calls {@link ExpirySweeper#sweep()}
 */
@ConfigurationProperties("consent-ledger.expiry")
public record ExpiryProperties(@DefaultValue("PT15S") Duration sweepInterval, @DefaultValue("5") long overlapMinutes,
                               @DefaultValue Scheduler scheduler) {

    public record Scheduler(@DefaultValue("true") boolean enabled) {
    }
}
