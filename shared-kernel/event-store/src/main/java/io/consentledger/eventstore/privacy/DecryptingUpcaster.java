package io.consentledger.eventstore.privacy;

import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;

import java.util.stream.Stream;

/**
 * The first link of the upcaster chain: decrypts the personal fields of every event read from the store (aggregates,
 * processors, replays), so that handlers see plain values, or {@code null} once erased, and no handler is written
 * twice. It keeps the payload type and revision; the stored bytes are untouched. The processors that read the same
 * event share its opened payload ({@link PersonalDataCodec#revealShared}).
 */
public final class DecryptingUpcaster implements EventUpcaster {

    private final PersonalDataCodec codec;

    public DecryptingUpcaster(PersonalDataCodec codec) {
        this.codec = codec;
    }

    @Override
    public Stream<IntermediateEventRepresentation> upcast(Stream<IntermediateEventRepresentation> representations) {
        return representations.map(this::decrypt);
    }

    private IntermediateEventRepresentation decrypt(IntermediateEventRepresentation representation) {
        String eventId = representation.getMessageIdentifier();
        return representation.upcastPayload(representation.getType(), String.class, json -> codec.revealShared(eventId, json));
    }
}
