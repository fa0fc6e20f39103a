package io.consentledger.verifiable.leaf;

import io.consentledger.verifiable.json.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An event exactly as the event store keeps it (GapAwareMongoEventStorageEngine's event document), with its global
 * position. Every value is carried as stored, as a string, so nothing passes through a double:
 * <ul>
 *     <li>{@code timestamp}: the stored ISO-8601 string ({@code Instant.toString()}), verbatim;</li>
 *     <li>{@code payload}, {@code metaData}: the serialized JSON text as the store hands it to the serializer
 *     (the embedded document as relaxed extended JSON, or the verbatim {@code payloadJson}/{@code metaDataJson}
 *     string), carried as a JSON <em>string</em>, so its bytes are kept exactly;</li>
 *     <li>{@code aggregateType}, {@code aggregateId}, {@code sequenceNumber}: {@code null} for an event that no
 *     aggregate published; {@code payloadRevision} {@code null} when the payload type has none.</li>
 * </ul>
 */
public record StoredEvent(long position, String eventId, String aggregateType, String aggregateId,
                          Long sequenceNumber, String timestamp, String payloadType, String payloadRevision,
                          String payload, String metaData) implements LogEntry {

    static final Set<String> MEMBERS = Set.of("position", "eventId", "aggregateType", "aggregateId",
                                              "sequenceNumber", "timestamp", "payloadType", "payloadRevision",
                                              "payload", "metaData");

    public StoredEvent {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        require(eventId, "eventId");
        require(timestamp, "timestamp");
        require(payloadType, "payloadType");
        require(payload, "payload");
        require(metaData, "metaData");
        if ((aggregateId == null) != (sequenceNumber == null)) {
            throw new IllegalArgumentException("an event has both an aggregateId and a sequenceNumber, or neither");
        }
        if (sequenceNumber != null && (sequenceNumber < 0 || sequenceNumber > Json.MAX_SAFE_INTEGER)) {
            throw new IllegalArgumentException("sequenceNumber out of range: " + sequenceNumber);
        }
        if (position > Json.MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("position out of range: " + position);
        }
    }

    private static void require(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("an event has a \"" + name + "\"");
        }
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("position", position);
        json.put("eventId", eventId);
        json.put("aggregateType", aggregateType);
        json.put("aggregateId", aggregateId);
        json.put("sequenceNumber", sequenceNumber);
        json.put("timestamp", timestamp);
        json.put("payloadType", payloadType);
        json.put("payloadRevision", payloadRevision);
        json.put("payload", payload);
        json.put("metaData", metaData);
        return json;
    }
}
