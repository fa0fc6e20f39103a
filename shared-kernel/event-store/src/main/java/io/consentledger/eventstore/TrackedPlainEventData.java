package io.consentledger.eventstore;

import org.axonframework.eventhandling.EventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedObject;

import java.time.Instant;

/**
 * A tracked event that was not published by an aggregate. It deliberately is no {@code DomainEventData}, so Axon
 * deserializes it as a plain event message rather than inventing an aggregate for it.
 */
final class TrackedPlainEventData implements TrackedEventData<String> {

    private final TrackingToken token;
    private final EventData<String> data;

    TrackedPlainEventData(TrackingToken token, EventData<String> data) {
        this.token = token;
        this.data = data;
    }

    @Override
    public TrackingToken trackingToken() {
        return token;
    }

    @Override
    public String getEventIdentifier() {
        return data.getEventIdentifier();
    }

    @Override
    public Instant getTimestamp() {
        return data.getTimestamp();
    }

    @Override
    public SerializedObject<String> getMetaData() {
        return data.getMetaData();
    }

    @Override
    public SerializedObject<String> getPayload() {
        return data.getPayload();
    }
}
