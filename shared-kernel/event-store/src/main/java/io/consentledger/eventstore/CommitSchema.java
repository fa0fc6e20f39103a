package io.consentledger.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The commit-document schema, in one place: the field names of the commit, tombstone, event and snapshot documents,
 * and the mapping to and from them. Everything else reads and writes the store through this class.
 * <pre>
 * commit    { _id: firstPosition, positions: [p..], seqKeys: ["aggregateId/seq", ..], eventIds: ["id", ..],
 *             minTimestamp: Date, maxTimestamp: Date, committedAt: Date, events: [event, ..] }
 * tombstone { _id: position, positions: [position], tombstone: true, sealedAt: Date }
 * event     { eventId, aggregateType?, aggregateId?, sequenceNumber?, timestamp: ISO-8601 string,
 *             payloadType, payloadRevision, payload: {..} | payloadJson: "..", metaData: {..} | metaDataJson: ".." }
 * snapshot  { _id: aggregateId, ...event }
 * counter   { _id: "global", value: highest allocated position }   (collection {@code <events>_positions})
 * </pre>
 */
final class CommitSchema {

    static final String ID = "_id";
    static final String POSITIONS = "positions";
    static final String SEQ_KEYS = "seqKeys";
    static final String EVENT_IDS = "eventIds";
    /** The earliest event timestamp of a commit, rounded down to the millisecond (a BSON date has no finer unit). */
    static final String MIN_TIMESTAMP = "minTimestamp";
    /** The latest event timestamp of a commit, rounded up to the millisecond. */
    static final String MAX_TIMESTAMP = "maxTimestamp";
    static final String EVENTS = "events";
    static final String TOMBSTONE = "tombstone";
    static final String COMMITTED_AT = "committedAt";
    static final String SEALED_AT = "sealedAt";

    static final String EVENT_ID = "eventId";
    static final String AGGREGATE_TYPE = "aggregateType";
    static final String AGGREGATE_ID = "aggregateId";
    static final String SEQUENCE_NUMBER = "sequenceNumber";
    static final String TIMESTAMP = "timestamp";
    static final String PAYLOAD_TYPE = "payloadType";
    static final String PAYLOAD_REVISION = "payloadRevision";
    static final String PAYLOAD = "payload";
    static final String META_DATA = "metaData";

    /** The collection of the position counter, next to the commits collection. */
    static final String COUNTERS_SUFFIX = "_positions";
    static final String COUNTER_ID = "global";
    static final String COUNTER_VALUE = "value";

    /** Index names. */
    static final String POSITIONS_INDEX = "positions_unique";
    static final String SEQ_KEYS_INDEX = "aggregate_sequence_unique";
    static final String EVENT_IDS_INDEX = "event_id_unique";

    private CommitSchema() {
    }

    static String countersCollection(String eventsCollection) {
        return eventsCollection + COUNTERS_SUFFIX;
    }

    static String seqKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + "/" + sequenceNumber;
    }

    /** The sequence key of an event published by an aggregate, or null for any other event. */
    static String seqKeyOf(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domainEvent && domainEvent.getType() != null
                ? seqKey(domainEvent.getAggregateIdentifier(), domainEvent.getSequenceNumber())
                : null;
    }

    // ------------------------------------------------------------------------------------------------ writing

    static Document eventDocument(EventMessage<?> event, Serializer serializer) {
        return eventDocument(event, serializer, PayloadProtector.NONE);
    }

    static Document eventDocument(EventMessage<?> event, Serializer serializer, PayloadProtector protector) {
        SerializedObject<String> payload = event.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = event.serializeMetaData(serializer, String.class);
        Document document = new Document(EVENT_ID, event.getIdentifier());
        if (event instanceof DomainEventMessage<?> domainEvent) {
            document.append(AGGREGATE_TYPE, domainEvent.getType())
                    .append(AGGREGATE_ID, domainEvent.getAggregateIdentifier())
                    .append(SEQUENCE_NUMBER, domainEvent.getSequenceNumber());
        }
        document.append(TIMESTAMP, event.getTimestamp().toString())
                .append(PAYLOAD_TYPE, payload.getType().getName())
                .append(PAYLOAD_REVISION, payload.getType().getRevision());
        Document parsed = protector.protectsInPlace() ? BsonEventPayloads.parseObject(payload.getData()) : null;
        if (parsed != null) {
            protector.protectInPlace(event, parsed);
            document.append(PAYLOAD, parsed);
        } else {
            BsonEventPayloads.put(document, PAYLOAD, protector.protect(event, payload.getData()));
        }
        BsonEventPayloads.put(document, META_DATA, metaData.getData());
        return document;
    }

    static Document commit(long first, List<Long> positions, List<String> seqKeys, List<String> eventIds,
                           Instant committedAt, List<? extends EventMessage<?>> messages, List<Document> events) {
        Document commit = new Document(ID, first).append(POSITIONS, positions);
        if (!seqKeys.isEmpty()) {
            commit.append(SEQ_KEYS, seqKeys);
        }
        Instant min = messages.get(0).getTimestamp();
        Instant max = min;
        for (EventMessage<?> message : messages) {
            min = message.getTimestamp().isBefore(min) ? message.getTimestamp() : min;
            max = message.getTimestamp().isAfter(max) ? message.getTimestamp() : max;
        }
        return commit.append(EVENT_IDS, eventIds)
                     .append(MIN_TIMESTAMP, Date.from(floorMillis(min)))
                     .append(MAX_TIMESTAMP, Date.from(ceilMillis(max)))
                     .append(COMMITTED_AT, Date.from(committedAt))
                     .append(EVENTS, events);
    }

    static Instant floorMillis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant ceilMillis(Instant instant) {
        Instant floor = floorMillis(instant);
        return floor.equals(instant) ? floor : floor.plusMillis(1);
    }

    static Document tombstone(long position, Instant sealedAt) {
        return new Document(ID, position).append(POSITIONS, List.of(position))
                                         .append(TOMBSTONE, true)
                                         .append(SEALED_AT, Date.from(sealedAt));
    }

    static Document snapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        return eventDocument(snapshot, serializer).append(ID, snapshot.getAggregateIdentifier());
    }

    /** The snapshot document, its payload as {@code protector} makes it. */
    static Document snapshot(DomainEventMessage<?> snapshot, Serializer serializer, SnapshotProtector protector) {
        return eventDocument(snapshot, serializer, (event, json) -> protector.protect(snapshot, json))
                .append(ID, snapshot.getAggregateIdentifier());
    }

    /** A copy of the stored snapshot with its payload opened by {@code protector}; empty when it cannot be. */
    static java.util.Optional<Document> revealSnapshot(Document stored, SnapshotProtector protector) {
        String json = BsonEventPayloads.get(stored, PAYLOAD);
        java.util.Optional<String> opened = protector.reveal(stored.getString(EVENT_ID), stored.getString(ID), json);
        if (opened.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (opened.get() == json) {
            return java.util.Optional.of(stored);
        }
        Document copy = new Document(stored);
        copy.remove(PAYLOAD);
        copy.remove(PAYLOAD + "Json");
        BsonEventPayloads.put(copy, PAYLOAD, opened.get());
        return java.util.Optional.of(copy);
    }

    // ------------------------------------------------------------------------------------------------ reading

    static boolean isTombstone(Document commit) {
        return Boolean.TRUE.equals(commit.getBoolean(TOMBSTONE));
    }

    static List<Long> positions(Document commit) {
        return commit.getList(POSITIONS, Long.class);
    }

    static List<String> seqKeys(Document commit) {
        return commit.getList(SEQ_KEYS, String.class, List.of());
    }

    static List<String> eventIds(Document commit) {
        List<String> ids = commit.getList(EVENT_IDS, String.class);
        if (ids != null) {
            return ids;
        }
        List<String> fromEvents = new ArrayList<>(); // a commit written before eventIds existed
        for (Document event : events(commit)) {
            fromEvents.add(event.getString(EVENT_ID));
        }
        return fromEvents;
    }

    static List<Document> events(Document commit) {
        return commit.getList(EVENTS, Document.class, List.of());
    }

    static String aggregateId(Document event) {
        return event.getString(AGGREGATE_ID);
    }

    static Long sequenceNumber(Document event) {
        Number seq = event.get(SEQUENCE_NUMBER, Number.class);
        return seq == null ? null : seq.longValue();
    }

    static Instant timestamp(Document event) {
        return Instant.parse(event.getString(TIMESTAMP));
    }

    static long counterValue(Document counter) {
        return counter == null ? 0L : counter.get(COUNTER_VALUE, Number.class).longValue();
    }

    /** Each position of a commit with its event document; the event is null for a tombstone. */
    static void forEachPosition(Document commit, PositionConsumer action) {
        List<Long> positions = positions(commit);
        List<Document> events = events(commit);
        for (int i = 0; i < positions.size(); i++) {
            action.accept(positions.get(i), i < events.size() ? events.get(i) : null);
        }
    }

    @FunctionalInterface
    interface PositionConsumer {
        void accept(long position, Document event);
    }

    static GenericDomainEventEntry<String> toDomainEntry(Document event) {
        Long seq = sequenceNumber(event);
        String eventId = event.getString(EVENT_ID);
        String aggregateId = aggregateId(event);
        return new GenericDomainEventEntry<>(event.getString(AGGREGATE_TYPE),
                                             aggregateId != null ? aggregateId : eventId,
                                             seq != null ? seq : 0L,
                                             eventId,
                                             event.getString(TIMESTAMP),
                                             event.getString(PAYLOAD_TYPE),
                                             event.getString(PAYLOAD_REVISION),
                                             BsonEventPayloads.get(event, PAYLOAD),
                                             BsonEventPayloads.get(event, META_DATA));
    }

    static TrackedEventData<?> toTrackedEntry(TrackingToken token, Document event) {
        GenericDomainEventEntry<String> entry = toDomainEntry(event);
        if (event.getString(AGGREGATE_TYPE) == null && aggregateId(event) == null) {
            return new TrackedPlainEventData(token, entry);
        }
        return new TrackedDomainEventData<>(token, entry);
    }

    static EventLog.StoredEvent toStoredEvent(long position, Document event) {
        return new EventLog.StoredEvent(position, event.getString(EVENT_ID), event.getString(AGGREGATE_TYPE),
                                        aggregateId(event), sequenceNumber(event),
                                        event.getString(PAYLOAD_TYPE), event.getString(PAYLOAD_REVISION),
                                        timestamp(event), event.get(PAYLOAD, Document.class),
                                        event.get(META_DATA, Document.class));
    }

    static EventLog.RawEvent toRawEvent(long position, Document event) {
        return new EventLog.RawEvent(position, event.getString(EVENT_ID), event.getString(AGGREGATE_TYPE),
                                     aggregateId(event), sequenceNumber(event), event.getString(TIMESTAMP),
                                     event.getString(PAYLOAD_TYPE), event.getString(PAYLOAD_REVISION),
                                     BsonEventPayloads.get(event, PAYLOAD), BsonEventPayloads.get(event, META_DATA));
    }

    /**
     * Returns each commit once. Real MongoDB already does so for a query on a multikey index; the embedded server
     * returns a document once per matching array element.
     */
    static List<Document> distinct(Iterable<Document> commits) {
        Set<Object> seen = new HashSet<>();
        List<Document> distinct = new ArrayList<>();
        for (Document document : commits) {
            if (seen.add(document.get(ID))) {
                distinct.add(document);
            }
        }
        return distinct;
    }

    static void forEachStoredEvent(Document commit, Consumer<EventLog.StoredEvent> action) {
        forEachPosition(commit, (position, event) -> {
            if (event != null) {
                action.accept(toStoredEvent(position, event));
            }
        });
    }
}
