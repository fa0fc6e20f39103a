package io.consentledger.eventstore;

import org.axonframework.eventhandling.EventMessage;
import org.bson.Document;

/**
 * Rewrites an event's serialized payload just before it is stored, knowing the event (its identifier, its payload
 * object). Issue 16 encrypts personal fields here; the upcaster chain undoes it on read.
 */
@FunctionalInterface
public interface PayloadProtector {

    PayloadProtector NONE = (event, json) -> json;

    String protect(EventMessage<?> event, String payloadJson);

    /**
     * Whether {@link #protectInPlace} is to be used for a payload that is a JSON object: the store parses it into a
     * BSON document anyway, so protecting that document saves parsing and writing the JSON once more.
     */
    default boolean protectsInPlace() {
        return false;
    }

    /** Protects {@code payload}, the parsed payload document about to be stored, in place. */
    default void protectInPlace(EventMessage<?> event, Document payload) {
        throw new UnsupportedOperationException("this protector rewrites the payload's JSON");
    }
}
