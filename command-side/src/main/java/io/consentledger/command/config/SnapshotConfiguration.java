package io.consentledger.command.config;

import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every share adds an event to its consent, so a busy consent's history grows without end. A snapshot every
 * {@code consent-ledger.snapshots.consent-every} events bounds what a command loads: the snapshot, then only the
 * events after it. Unlike a cache, a snapshot is never stale: it is made from committed events, and the newer events
 * are always read from the store.
 */
@Configuration
public class SnapshotConfiguration {

    @Bean
    SnapshotTriggerDefinition consentSnapshotTrigger(Snapshotter snapshotter,
                                                     @Value("${consent-ledger.snapshots.consent-every:100}") int every) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, every);
    }
}
