package io.consentledger.verifiable.leaf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A sealed gap: a position that stayed empty and was tombstoned. Leaf: {@code {"position":n,"tombstone":true}}. */
public record SealedGap(long position) implements LogEntry {

    static final String TOMBSTONE = "tombstone";
    static final Set<String> MEMBERS = Set.of("position", TOMBSTONE);

    public SealedGap {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("position", position);
        json.put(TOMBSTONE, true);
        return json;
    }
}
