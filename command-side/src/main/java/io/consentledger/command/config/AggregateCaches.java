package io.consentledger.command.config;

import io.consentledger.eventstore.caching.BoundedAggregateCache;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The aggregate caches of this instance, so that an erasure can drop the erased customer's cached state. */
@Component
public class AggregateCaches {

    private final List<BoundedAggregateCache> caches = new CopyOnWriteArrayList<>();

    void register(BoundedAggregateCache cache) {
        caches.add(cache);
    }

    public void evict(Collection<String> aggregateIds) {
        for (BoundedAggregateCache cache : caches) {
            aggregateIds.forEach(cache::remove);
        }
    }
}
