package io.consentledger.eventstore.privacy;

import com.mongodb.BasicDBObject;
import com.mongodb.DBObject;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.extensions.mongo.eventhandling.deadletter.DeadLetterEventEntry;
import org.axonframework.extensions.mongo.eventhandling.deadletter.DeadLetterMongoConverter;
import org.axonframework.extensions.mongo.eventhandling.deadletter.EventMessageDeadLetterMongoConverter;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntryConfiguration;
import org.axonframework.serialization.Serializer;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * Dead letters as the event store keeps events: personal fields encrypted under the customer's key (issue 16).
 * <p>
 * A processor parks the event it could not handle, and that event was read through the upcaster chain, so its
 * payload holds the personal values in the clear; axon-mongo's converter would store them so. This one wraps it:
 * the parked payload's personal fields are sealed exactly as on append (same envelope, same associated data: event
 * id, field, customer), and opened again when the dead letter is read for a retry; once the customer's key is
 * destroyed they read as null, as the event does. A customer already erased when the event is parked has no key to
 * seal with: the payload read from the store holds null there already, and is parked as it is.
 */
public final class ProtectedDeadLetterConverter implements DeadLetterMongoConverter<EventMessage<?>> {

    private final EventMessageDeadLetterMongoConverter delegate = new EventMessageDeadLetterMongoConverter();
    private final EventEntryConfiguration configuration = EventEntryConfiguration.getDefault();
    private final PersonalDataCodec codec;

    public ProtectedDeadLetterConverter(PersonalDataCodec codec) {
        this.codec = codec;
    }

    @Override
    public DeadLetterEventEntry convert(EventMessage<?> message, Serializer serializer) {
        DeadLetterEventEntry entry = delegate.convert(message, serializer);
        if (message.getPayload() == null || !codec.protects(message.getPayloadType())) {
            return entry;
        }
        Document document = asStored(entry);
        String field = configuration.payloadProperty();
        Object payload = document.get(field);
        String json = json(payload);
        if (json == null) {
            return entry;
        }
        String sealed;
        try {
            sealed = codec.protect(message.getIdentifier(), message.getPayload(), json);
        } catch (CustomerErasedException erased) {
            return entry; // its personal values read as null already
        }
        document.put(field, like(payload, sealed));
        return new DeadLetterEventEntry(document, configuration);
    }

    @Override
    public EventMessage<?> convert(DeadLetterEventEntry entry, Serializer serializer) {
        Document document = asStored(entry);
        String field = configuration.payloadProperty();
        Object payload = document.get(field);
        String json = json(payload);
        if (json == null || !PersonalDataCodec.mayHoldEnvelope(json)) {
            return delegate.convert(entry, serializer);
        }
        String eventId = document.getString(configuration.eventIdentifierProperty());
        document.put(field, like(payload, codec.reveal(eventId, json)));
        return delegate.convert(new DeadLetterEventEntry(document, configuration), serializer);
    }

    @Override
    public boolean canConvert(DeadLetterEventEntry entry) {
        return delegate.canConvert(entry);
    }

    @Override
    public boolean canConvert(EventMessage<?> message) {
        return delegate.canConvert(message);
    }

    /** The entry as MongoDB returns it: binary values (the tracking token) as {@link Binary}, as its reader expects. */
    private Document asStored(DeadLetterEventEntry entry) {
        Document document = entry.asDocument(configuration);
        document.replaceAll((key, value) -> value instanceof byte[] bytes ? new Binary(bytes) : value);
        return document;
    }

    private static String json(Object payload) {
        if (payload instanceof String text) {
            return text;
        }
        if (payload instanceof Document document) {
            return document.toJson();
        }
        if (payload instanceof BasicDBObject object) {
            return object.toJson();
        }
        return null;
    }

    /** {@code json} in the representation the payload had. */
    private static Object like(Object payload, String json) {
        if (payload instanceof Document) {
            return Document.parse(json);
        }
        if (payload instanceof DBObject) {
            return BasicDBObject.parse(json);
        }
        return json;
    }
}
