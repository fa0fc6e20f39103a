package io.consentledger.eventstore.caching;

import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;

import static org.axonframework.common.BuilderUtils.assertNonNull;

/**
 * An event-sourcing repository that keeps aggregates in a cache and checks, on every load from the cache, that no
 * other process has appended to the aggregate since: one probe for an event at the cached version + 1.
 * <p>
 * Axon's {@link CachingEventSourcingRepository} trusts its cache. With two command-side instances on one store that
 * is enough for a command that appends (the append from stale state collides on the unique (aggregate, sequence)
 * key, the cache entry is evicted and the command retried), but not for a command that is refused or reads without
 * appending: a stale consent could refuse a share as "not authorised" after another instance authorised it, and a
 * stale link could still read as linked after another instance unlinked it. The probe closes that window: a cached
 * aggregate is used only while it is the newest, and otherwise it is evicted and loaded from the store.
 * <p>
 * Between the probe and the append another instance may still append; optimistic concurrency handles that as before.
 * Within one JVM the repository's per-aggregate lock serialises commands on the same aggregate.
 *
 * @param <T> the aggregate type
 */
public class FreshnessCheckedCachingRepository<T> extends CachingEventSourcingRepository<T> {

    /** Answers whether the store holds an event of the aggregate at a sequence number. */
    @FunctionalInterface
    public interface EventProbe {
        boolean hasEventAt(String aggregateIdentifier, long sequenceNumber);
    }

    /** How a load was served: from the cache, from the store after the cache was found stale, or from the store. */
    public enum LoadOutcome { HIT, STALE, MISS }

    /** Notified once per aggregate load, for metrics. */
    @FunctionalInterface
    public interface LoadListener {
        LoadListener NONE = (type, outcome) -> {
        };

        void loaded(String aggregateType, LoadOutcome outcome);
    }

    private final Cache cache;
    private final EventProbe probe;
    private final LoadListener listener;
    private final String aggregateType;

    protected FreshnessCheckedCachingRepository(Builder<T> builder) {
        super(builder);
        this.cache = builder.cache();
        this.probe = builder.probe;
        this.listener = builder.listener;
        this.aggregateType = builder.aggregateTypeName;
    }

    public static <T> Builder<T> builder(Class<T> aggregateType) {
        return new Builder<>(aggregateType);
    }

    @Override
    protected EventSourcedAggregate<T> doLoadWithLock(String aggregateIdentifier, Long expectedVersion) {
        // The repository holds this aggregate's lock: no other thread of this JVM changes its cache entry meanwhile.
        boolean cached = cache.containsKey(aggregateIdentifier);
        EventSourcedAggregate<T> aggregate = super.doLoadWithLock(aggregateIdentifier, expectedVersion);
        if (!cached) {
            listener.loaded(aggregateType, LoadOutcome.MISS);
            return aggregate;
        }
        Long version = aggregate.version();
        if (version != null && !probe.hasEventAt(aggregateIdentifier, version + 1)) {
            listener.loaded(aggregateType, LoadOutcome.HIT);
            return aggregate;
        }
        // Another process appended since this entry was cached: forget it and read the aggregate from the store.
        cache.remove(aggregateIdentifier);
        listener.loaded(aggregateType, LoadOutcome.STALE);
        return super.doLoadWithLock(aggregateIdentifier, expectedVersion);
    }

    public static class Builder<T> extends EventSourcingRepository.Builder<T> {

        private final String aggregateTypeName;
        private EventProbe probe;
        private LoadListener listener = LoadListener.NONE;

        protected Builder(Class<T> aggregateType) {
            super(aggregateType);
            this.aggregateTypeName = aggregateType.getSimpleName();
        }

        /** The store's probe for an event at a sequence number; required. */
        public Builder<T> eventProbe(EventProbe probe) {
            assertNonNull(probe, "EventProbe may not be null");
            this.probe = probe;
            return this;
        }

        public Builder<T> loadListener(LoadListener listener) {
            assertNonNull(listener, "LoadListener may not be null");
            this.listener = listener;
            return this;
        }

        Cache cache() {
            return cache;
        }

        @Override
        protected void validate() {
            super.validate();
            assertNonNull(cache, "The Cache is a hard requirement and should be provided");
            assertNonNull(probe, "The EventProbe is a hard requirement and should be provided");
        }

        @Override
        @SuppressWarnings("unchecked")
        public FreshnessCheckedCachingRepository<T> build() {
            return new FreshnessCheckedCachingRepository<>(this);
        }
    }
}
