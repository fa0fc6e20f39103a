package io.consentledger.command.config;

import io.consentledger.command.consent.Consent;
import io.consentledger.command.link.BankAccountLink;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.caching.BoundedAggregateCache;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository.LoadListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The repositories of the two aggregates. Each keeps up to {@code consent-ledger.aggregate-cache.max-entries}
 * aggregates in memory (least recently used evicted), and checks a cached aggregate against the store on every load
 * with one probe on the unique {@code seqKeys} index ({@link FreshnessCheckedCachingRepository}). A share thus no
 * longer reads and deserialises its consent's and its link's events, and stays correct with several command-side
 * instances on one store. {@code max-entries: 0} turns the cache off (plain event sourcing from snapshot and events).
 * <p>
 * Metric: {@code ledger.aggregate.loads{aggregate, outcome=hit|stale|miss}}, and {@code ledger.aggregate.cache.size}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CommandSideProperties.class)
public class AggregateCacheConfiguration {

    private final int maxEntries;
    private final MeterRegistry registry;

    private final AggregateCaches caches;

    public AggregateCacheConfiguration(CommandSideProperties properties, MeterRegistry registry, AggregateCaches caches) {
        this.maxEntries = properties.aggregateCache().maxEntries();
        this.registry = registry;
        this.caches = caches;
    }

    @Bean
    public Repository<Consent> consentRepository(EventStore eventStore, GapAwareMongoEventStorageEngine engine,
                                                 @Qualifier("consentSnapshotTrigger") SnapshotTriggerDefinition snapshots,
                                                 ParameterResolverFactory parameterResolvers,
                                                 HandlerDefinition handlerDefinition) {
        return repository(Consent.class, eventStore, engine, snapshots, parameterResolvers, handlerDefinition);
    }

    @Bean
    public Repository<BankAccountLink> bankAccountLinkRepository(EventStore eventStore,
                                                                 GapAwareMongoEventStorageEngine engine,
                                                                 ParameterResolverFactory parameterResolvers,
                                                                 HandlerDefinition handlerDefinition) {
        return repository(BankAccountLink.class, eventStore, engine, null, parameterResolvers, handlerDefinition);
    }

    private <T> Repository<T> repository(Class<T> type, EventStore eventStore, GapAwareMongoEventStorageEngine engine,
                                         SnapshotTriggerDefinition snapshots, ParameterResolverFactory parameterResolvers,
                                         HandlerDefinition handlerDefinition) {
        EventSourcingRepository.Builder<T> builder;
        BoundedAggregateCache cache = null;
        if (maxEntries > 0) {
            cache = new BoundedAggregateCache(maxEntries);
            caches.register(cache);
            Gauge.builder("ledger.aggregate.cache.size", cache, BoundedAggregateCache::size)
                 .description("Aggregates held in the command side's cache")
                 .tag("aggregate", type.getSimpleName())
                 .register(registry);
            builder = FreshnessCheckedCachingRepository.builder(type)
                                                       .eventProbe(engine::hasEventAt)
                                                       .loadListener(loadCounter(registry))
                                                       .cache(cache);
        } else {
            builder = EventSourcingRepository.builder(type);
        }
        builder.eventStore(eventStore)
               .parameterResolverFactory(parameterResolvers)
               .handlerDefinition(handlerDefinition);
        if (snapshots != null) {
            builder.snapshotTriggerDefinition(snapshots);
        }
        // An unknown id is answered before loading: cheap, and without Axon's WARN and stack trace.
        return new KnownAggregateRepository<>(builder.build(), type.getSimpleName(), engine::aggregateTypeOf, cache);
    }

    private static LoadListener loadCounter(MeterRegistry registry) {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        return (aggregate, outcome) -> counters.computeIfAbsent(aggregate + "/" + outcome, key ->
                Counter.builder("ledger.aggregate.loads")
                       .description("Aggregate loads: from the cache, from the store after a stale entry, or a miss")
                       .tag("aggregate", aggregate)
                       .tag("outcome", outcome.name().toLowerCase())
                       .register(registry)).increment();
    }
}
