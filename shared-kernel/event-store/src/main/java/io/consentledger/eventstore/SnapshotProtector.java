package io.consentledger.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;

import java.util.Optional;

/**
 * Protects a snapshot's serialized aggregate at rest, as {@link PayloadProtector} protects events (issue 16: an
 * aggregate of a customer is encrypted whole under the customer's key), and opens it on read.
 */
public interface SnapshotProtector {

    SnapshotProtector NONE = new SnapshotProtector() {
        @Override
        public String protect(DomainEventMessage<?> snapshot, String payloadJson) {
            return payloadJson;
        }

        @Override
        public Optional<String> reveal(String snapshotId, String aggregateId, String storedJson) {
            return Optional.of(storedJson);
        }
    };

    /**
     * The JSON to store for the snapshot.
     *
     * @throws io.consentledger.eventstore.privacy.CustomerErasedException when the aggregate's customer is erased:
     *                                                                      no snapshot is stored then
     */
    String protect(DomainEventMessage<?> snapshot, String payloadJson);

    /** The aggregate's JSON, or empty when it cannot be read any more (the customer's key was destroyed). */
    Optional<String> reveal(String snapshotId, String aggregateId, String storedJson);
}
