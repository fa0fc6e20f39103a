package io.consentledger.verifiable.verifier;

import io.consentledger.verifiable.json.Json;
import io.consentledger.verifiable.json.JsonException;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.Hashes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The export of the log: NDJSON, one line per position in position order starting at 0, each line the leaf object
 * of {@link LogEntry#toJson()} plus {@code "leafHash"}, the base64 leaf hash the tree recorded for that position,
 * written canonically (RFC 8785), so a line is exactly the leaf bytes with the recorded hash added.
 * <p>
 * The recorded hash lets the verifier name an edited event by its position; without it (the member is optional) an
 * edited event is only seen as a root mismatch.
 */
public final class ExportFormat {

    public static final String LEAF_HASH = "leafHash";

    private ExportFormat() {
    }

    /** One export line (without the newline) for an entry and the leaf hash the tree holds for it. */
    public static String line(LogEntry entry, byte[] recordedLeafHash) {
        Map<String, Object> json = new LinkedHashMap<>(entry.toJson());
        if (recordedLeafHash != null) {
            json.put(LEAF_HASH, Hashes.base64(recordedLeafHash));
        }
        return Json.canonical(json);
    }

    /** One export line for an entry, recording its own leaf hash. */
    public static String line(LogEntry entry) {
        return line(entry, entry.leafHash());
    }

    /** A parsed line: the entry and the recorded leaf hash ({@code null} when the line has none). */
    public record Line(LogEntry entry, byte[] recordedLeafHash) {
    }

    public static Line parse(String line) {
        Map<String, Object> json = Json.parseObject(line);
        Object recorded = json.remove(LEAF_HASH);
        byte[] leafHash = null;
        if (recorded != null) {
            if (!(recorded instanceof String text)) {
                throw new JsonException("\"leafHash\" is a base64 string");
            }
            try {
                leafHash = Hashes.fromBase64(text);
            } catch (IllegalArgumentException e) {
                throw new JsonException("\"leafHash\": " + e.getMessage());
            }
        }
        return new Line(LogEntry.fromJson(json), leafHash);
    }
}
