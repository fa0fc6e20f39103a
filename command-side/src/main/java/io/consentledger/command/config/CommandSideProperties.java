package io.consentledger.command.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The command side's Axon settings under {@code consent-ledger.*}.
 *
 * @param aggregateCache {@code aggregate-cache.max-entries}: aggregates of each type kept in memory (0: no cache)
 * @param snapshots      {@code snapshots.consent-every}: a consent is snapshotted every this many events
 * @param commands       {@code commands.max-retries} and {@code commands.retry-interval-ms}: retries of a command
 *                       that lost an optimistic-concurrency race
 */
@ConfigurationProperties("consent-ledger")
public record CommandSideProperties(@DefaultValue AggregateCache aggregateCache, @DefaultValue Snapshots snapshots,
                                    @DefaultValue Commands commands) {

    public record AggregateCache(@DefaultValue("10000") int maxEntries) {
    }

    public record Snapshots(@DefaultValue("100") int consentEvery) {
    }

    public record Commands(@DefaultValue("5") int maxRetries, @DefaultValue("20") int retryIntervalMs) {
    }
}
