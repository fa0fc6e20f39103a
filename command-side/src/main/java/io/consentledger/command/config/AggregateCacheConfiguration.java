package io.consentledger.command.config;

import io.consentledger.command.consent.Consent;
import io.consentledger.command.link.BankAccountLink;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.caching.BoundedAggregateCache;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository.LoadListener;
import io.consentledger.eventstore.caching.PrefetchedProbes;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.springframework.beans.factory.SmartInitializingSingleton;
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
    /** The caches by aggregate type (none when the cache is off): erasure evicts from them, shares prefetch. */
    private final AggregateCaches caches;
    private PrefetchedProbes prefetched;

    public AggregateCacheConfiguration(CommandSideProperties properties, MeterRegistry registry, AggregateCaches caches) {
        this.maxEntries = properties.aggregateCache().maxEntries();
        this.registry = registry;
        this.caches = caches;
    }

    /**
     * A share loads two cached aggregates, its consent and then its link: their two freshness probes are made in one
     * round trip before the command is handled ({@link PrefetchedProbes}, issue 17). Registered on the command bus
     * as a handler interceptor, so it runs on the handling thread, inside the unit of work, before the consent loads.
     */
    @Bean
    public SmartInitializingSingleton shareProbePrefetch(CommandBus commandBus, GapAwareMongoEventStorageEngine engine) {
        return () -> {
            BoundedAggregateCache consents = caches.get(Consent.class);
            BoundedAggregateCache links = caches.get(BankAccountLink.class);
            if (consents == null || links == null || !PrefetchedProbes.available()) {
                return;
            }
            PrefetchedProbes probes = prefetched(engine);
            commandBus.registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
                Object payload = unitOfWork.getMessage().getPayload();
                String consentId = null;
                String linkId = null;
                if (payload instanceof ShareBalance share) {
                    consentId = share.consentId();
                    linkId = share.linkId();
                } else if (payload instanceof ShareTransactions share) {
                    consentId = share.consentId();
                    linkId = share.linkId();
                }
                if (consentId == null || linkId == null || consentId.equals(linkId)) {
                    return chain.proceed();
                }
                try {
                    probes.prefetch(Map.of(consentId, consents, linkId, links));
                    return chain.proceed();
                } finally {
                    probes.clear();
                }
            });
        };
    }

    private synchronized PrefetchedProbes prefetched(GapAwareMongoEventStorageEngine engine) {
        if (prefetched == null) {
            prefetched = new PrefetchedProbes(engine::aggregatesWithEventAt);
        }
        return prefetched;
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
            caches.register(type, cache);
            Gauge.builder("ledger.aggregate.cache.size", cache, BoundedAggregateCache::size)
                 .description("Aggregates held in the command side's cache")
                 .tag("aggregate", type.getSimpleName())
                 .register(registry);
            builder = FreshnessCheckedCachingRepository.builder(type)
                                                       .eventProbe(prefetched(engine).probe(engine::hasEventAt))
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
