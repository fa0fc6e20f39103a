package io.consentledger.command.customer;

import io.consentledger.command.config.AggregateCaches;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.privacy.CustomerKeys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgets a customer: destroys the data key (every personal field of the customer's events then reads as erased),
 * deletes the snapshots of the customer's consents and links, and drops them from this instance's aggregate cache.
 */
public class DataShredder {

    private final CustomerKeys keys;
    private final CustomerDirectory directory;
    private final GapAwareMongoEventStorageEngine engine;
    private final AggregateCaches caches;

    public DataShredder(CustomerKeys keys, CustomerDirectory directory, GapAwareMongoEventStorageEngine engine,
                        AggregateCaches caches) {
        this.keys = keys;
        this.directory = directory;
        this.engine = engine;
        this.caches = caches;
    }

    /** @return when the key was destroyed (the first time, if it already was) */
    public Instant shred(String subjectId) {
        Instant erasedAt = keys.destroy(subjectId);
        List<String> aggregates = new ArrayList<>();
        directory.find(subjectId).ifPresent(entry -> {
            aggregates.addAll(entry.consentIds());
            aggregates.addAll(entry.linkIds());
        });
        engine.deleteSnapshots(aggregates);
        caches.evict(aggregates);
        return erasedAt;
    }
}
