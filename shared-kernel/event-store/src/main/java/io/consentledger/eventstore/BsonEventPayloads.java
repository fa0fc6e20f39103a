package io.consentledger.eventstore;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Turns serialized JSON into readable BSON and back, so that an operator can read an event in mongosh.
 * <p>
 * A JSON object is stored as an embedded document under {@code field}. Anything else (a JSON string, array or
 * number payload) is kept verbatim as a string under {@code field + "Json"}. The serializer writes exact decimals as
 * strings (see {@code LedgerSerializers}), so no money value ever passes through a BSON double.
 */
final class BsonEventPayloads {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private BsonEventPayloads() {
    }

    static void put(Document target, String field, String json) {
        String trimmed = json.strip();
        if (trimmed.startsWith("{")) {
            target.append(field, Document.parse(trimmed));
        } else {
            target.append(field + "Json", json);
        }
    }

    /** {@code json} parsed into a document when it is a JSON object, otherwise null. */
    static Document parseObject(String json) {
        String trimmed = json.strip();
        return trimmed.startsWith("{") ? Document.parse(trimmed) : null;
    }

    static String get(Document source, String field) {
        Document embedded = source.get(field, Document.class);
        if (embedded != null) {
            return embedded.toJson(RELAXED);
        }
        String verbatim = source.getString(field + "Json");
        return verbatim != null ? verbatim : "{}";
    }
}
