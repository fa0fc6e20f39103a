package io.consentledger.verifiable.leaf;

import io.consentledger.verifiable.json.Json;
import io.consentledger.verifiable.json.JsonException;
import io.consentledger.verifiable.merkle.Hashes;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One position of the global log, as the Merkle tree sees it: a {@link StoredEvent} or a {@link SealedGap}.
 * <p>
 * Its leaf bytes are the UTF-8 bytes of the RFC 8785 canonical JSON of {@link #toJson()}; the leaf hash is
 * {@code SHA-256(0x00 || leaf bytes)}. docs/verifiable-log.md gives the exact encoding and a worked example.
 */
public sealed interface LogEntry permits StoredEvent, SealedGap {

    /** The global position, which is also the leaf index. */
    long position();

    /** The leaf's JSON members (all of them, {@code null} where a value is absent). */
    Map<String, Object> toJson();

    /** The canonical leaf encoding. */
    default byte[] leafBytes() {
        return Json.canonical(toJson()).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code SHA-256(0x00 || leafBytes())}. */
    default byte[] leafHash() {
        return Hashes.leafHash(leafBytes());
    }

    /** Reads a leaf object strictly: exactly the members of an event or of a sealed gap, with the right types. */
    static LogEntry fromJson(Map<String, Object> json) {
        if (json.containsKey(SealedGap.TOMBSTONE)) {
            requireMembers(json, SealedGap.MEMBERS);
            if (!Boolean.TRUE.equals(json.get(SealedGap.TOMBSTONE))) {
                throw new JsonException("\"tombstone\" is true when present");
            }
            return new SealedGap(position(json));
        }
        requireMembers(json, StoredEvent.MEMBERS);
        Object sequence = json.get("sequenceNumber");
        if (sequence != null && !(sequence instanceof Long)) {
            throw new JsonException("\"sequenceNumber\" is an integer or null");
        }
        try {
            return new StoredEvent(position(json), string(json, "eventId"), string(json, "aggregateType"),
                                   string(json, "aggregateId"), (Long) sequence, string(json, "timestamp"),
                                   string(json, "payloadType"), string(json, "payloadRevision"),
                                   string(json, "payload"), string(json, "metaData"));
        } catch (IllegalArgumentException e) {
            throw new JsonException(e.getMessage());
        }
    }

    /** Reads a leaf from its canonical bytes, insisting that they are canonical. */
    static LogEntry fromLeafBytes(byte[] leafBytes) {
        LogEntry entry = fromJson(Json.parseObject(new String(leafBytes, StandardCharsets.UTF_8)));
        if (!java.util.Arrays.equals(entry.leafBytes(), leafBytes)) {
            throw new JsonException("the leaf bytes are not in canonical form");
        }
        return entry;
    }

    private static void requireMembers(Map<String, Object> json, Set<String> members) {
        if (!json.keySet().equals(members)) {
            Set<String> unexpected = new HashSet<>(json.keySet());
            unexpected.removeAll(members);
            Set<String> missing = new HashSet<>(members);
            missing.removeAll(json.keySet());
            throw new JsonException("leaf members: missing " + missing + ", unexpected " + unexpected);
        }
    }

    private static long position(Map<String, Object> json) {
        if (!(json.get("position") instanceof Long position) || position < 0) {
            throw new JsonException("\"position\" is a non-negative integer");
        }
        return position;
    }

    private static String string(Map<String, Object> json, String name) {
        Object value = json.get(name);
        if (value != null && !(value instanceof String)) {
            throw new JsonException("\"" + name + "\" is a string or null");
        }
        return (String) value;
    }
}
