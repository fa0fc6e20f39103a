package io.consentledger.query.log;

import io.consentledger.query.web.QueryProblems;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.note.TlogProof;
import io.consentledger.verifiable.tiles.TileLog;

/**
 * Proofs over the stored tree, checked against its size first: a parameter that can never be right is an
 * {@link IllegalArgumentException} (400), a size the tree has not reached a {@link QueryProblems.NotFound} (404).
 */
public final class LogProofs {

    private final TileStore tiles;
    private final CheckpointHistory checkpoints;
    private final LogEntries entries;

    public LogProofs(TileStore tiles, CheckpointHistory checkpoints, LogEntries entries) {
        this.tiles = tiles;
        this.checkpoints = checkpoints;
        this.entries = entries;
    }

    public TileLog tileLog() {
        return tiles.tileLog();
    }

    public long treeSize() {
        return tiles.size();
    }

    public InclusionProof inclusion(long index, long size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index must be between 0 and size - 1");
        }
        requireReached(size);
        return tiles.tileLog().inclusion(index, size);
    }

    public ConsistencyProof consistency(long from, long to) {
        if (from < 1) {
            throw new IllegalArgumentException("from must be at least 1");
        }
        if (to < from) {
            throw new IllegalArgumentException("to must not be smaller than from");
        }
        requireReached(to);
        return tiles.tileLog().consistency(from, to);
    }

    /** The entry at {@code index} as stored now; 404 when the tree does not reach it or the store lost it. */
    public LogEntry entry(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
        long size = treeSize();
        if (index >= size) {
            throw new QueryProblems.NotFound("The log has no entry " + index + " yet (tree size " + size + ")");
        }
        LogEntry entry = entries.read(index, index + 1).get(0);
        if (entry == null) {
            throw new QueryProblems.NotFound("No entry " + index + " in the store");
        }
        return entry;
    }

    /** A receipt for the entry at {@code index}, against the latest signed checkpoint. */
    public String receipt(long index, String unknown) {
        SignedCheckpoint checkpoint = checkpoints.latest()
                                                 .filter(latest -> latest.treeSize() > index)
                                                 .orElseThrow(() -> new QueryProblems.NotFound(unknown));
        LogEntry entry = entries.read(index, index + 1).get(0);
        if (entry == null) {
            throw new QueryProblems.NotFound(unknown);
        }
        InclusionProof proof = tiles.tileLog().inclusion(index, checkpoint.treeSize());
        return TlogProof.of(entry.leafBytes(), proof, checkpoint.note()).format();
    }

    private void requireReached(long size) {
        long treeSize = treeSize();
        if (size > treeSize) {
            throw new QueryProblems.NotFound("The log has not reached tree size " + size + " (it has " + treeSize + ")");
        }
    }
}
