package io.consentledger.query.log;

import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.NodeId;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileId;
import io.consentledger.verifiable.tiles.Tiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Re-reads the stored events in the background and recomputes their leaves against the leaf hashes the tree
 * recorded (level-0 tiles). A pass looks at a bounded number of positions, then the next pass goes on from there,
 * wrapping around at the tree's size. A position whose event was edited, moved or deleted is reported until it
 * matches again: the health indicator goes DOWN, a gauge counts them, and operators list them.
 */
public final class IntegrityMonitor {

    private static final Logger logger = LoggerFactory.getLogger(IntegrityMonitor.class);

    /** A position whose stored event no longer matches the tree. */
    public record Mismatch(long position, String problem, Instant detectedAt) {
    }

    /** @param checkedThrough positions below it were checked in the current round; treeSize as of the last pass */
    public record Report(long treeSize, long checkedThrough, long passes, List<Mismatch> mismatches) {
    }

    private final LogEntries entries;
    private final TileStore tiles;
    private final Clock clock;
    private final int batchSize;
    private final Map<Long, Mismatch> mismatches = new ConcurrentSkipListMap<>();
    private long cursor;
    private volatile long treeSize;
    private volatile long checkedThrough;
    private volatile long passes;

    public IntegrityMonitor(LogEntries entries, TileStore tiles, Clock clock, int batchSize) {
        this.entries = entries;
        this.tiles = tiles;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /** One bounded pass: up to the batch size of positions, in round trips of at most 256 (one level-0 tile). */
    public synchronized void pass() {
        long size = tiles.size();
        treeSize = size;
        if (size == 0) {
            return;
        }
        if (cursor >= size) {
            cursor = 0;
        }
        long end = Math.min(size, cursor + batchSize);
        while (cursor < end) {
            long to = Math.min(end, (cursor / Tiles.WIDTH + 1) * Tiles.WIDTH);
            check(cursor, to);
            cursor = to;
        }
        checkedThrough = cursor;
        passes++;
    }

    private void check(long from, long to) {
        List<LogEntry> stored = entries.read(from, to);
        Map<Long, byte[]> recorded = recordedLeafHashes(from, to);
        for (long position = from; position < to; position++) {
            LogEntry entry = stored.get((int) (position - from));
            byte[] leafHash = recorded.get(position);
            String problem = null;
            if (leafHash == null) {
                problem = "the tree has no leaf hash for this position (its tile is missing or was cut)";
            } else if (entry == null) {
                problem = "the event at this position is missing from the store (deleted or moved)";
            } else if (!Hashes.equal(entry.leafHash(), leafHash)) {
                problem = "the stored event does not match the leaf hash the tree recorded (edited after it was logged)";
            }
            if (problem == null) {
                mismatches.remove(position);
            } else if (!mismatches.containsKey(position)) {
                mismatches.put(position, new Mismatch(position, problem, clock.instant()));
                logger.error("Integrity: position {}: {}", position, problem);
            }
        }
    }

    private Map<Long, byte[]> recordedLeafHashes(long from, long to) {
        Set<TileId> ids = new java.util.LinkedHashSet<>();
        for (long position = from; position < to; position++) {
            ids.add(Tiles.tileFor(new NodeId(0, position)));
        }
        Map<String, Tile> byKey = new TreeMap<>();
        for (Tile tile : tiles.fetch(new ArrayList<>(ids))) {
            byKey.put(tile.id().key(), tile);
        }
        Map<Long, byte[]> hashes = new TreeMap<>();
        for (long position = from; position < to; position++) {
            Tile tile = byKey.get(TileId.key(0, position / Tiles.WIDTH));
            int offset = (int) (position % Tiles.WIDTH);
            if (tile != null && offset < tile.width()) {
                hashes.put(position, tile.hash(offset));
            }
        }
        return hashes;
    }

    public Collection<Mismatch> mismatches() {
        return List.copyOf(mismatches.values());
    }

    public int mismatchCount() {
        return mismatches.size();
    }

    public Report report() {
        return new Report(treeSize, checkedThrough, passes, List.copyOf(mismatches.values()));
    }
}
