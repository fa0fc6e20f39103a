package io.consentledger.eventstore;

import org.axonframework.eventhandling.EventMessage;

/**
 * Rewrites an event's serialized payload just before it is stored, knowing the event (its identifier, its payload
 * object). Issue 16 encrypts personal fields here; the upcaster chain undoes it on read.
 */
@FunctionalInterface
public interface PayloadProtector {

    PayloadProtector NONE = (event, json) -> json;

    String protect(EventMessage<?> event, String payloadJson);
}
