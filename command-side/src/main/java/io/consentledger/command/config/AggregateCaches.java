package io.consentledger.command.config;

import io.consentledger.eventstore.caching.BoundedAggregateCache;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aggregate caches of this instance, by aggregate type (none when the cache is off): so that an erasure can drop
 * the erased customer's cached state, and a share can prefetch its consent's and link's freshness probes.
 */
@Component
public class AggregateCaches {

    private final Map<Class<?>, BoundedAggregateCache> caches = new ConcurrentHashMap<>();

    void register(Class<?> type, BoundedAggregateCache cache) {
        caches.put(type, cache);
    }

    /** The cache of this aggregate type, or null when the cache is off. */
    BoundedAggregateCache get(Class<?> type) {
        return caches.get(type);
    }

    public void evict(Collection<String> aggregateIds) {
        for (BoundedAggregateCache cache : caches.values()) {
            aggregateIds.forEach(cache::remove);
        }
    }
}
