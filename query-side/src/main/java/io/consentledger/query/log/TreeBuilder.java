package io.consentledger.query.log;

import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Grows the Merkle tree over the contiguous prefix of positions that are committed or sealed, and signs checkpoints
 * of it. It must only run on the instance that owns the tree (see {@link TreeOwnership}); even so, every write is
 * safe to repeat: the leaves of a position never change once it is committed or sealed, tiles are only replaced by
 * wider ones, the tree's size moves by compare and set, and a checkpoint is signed only for a size larger than the
 * latest one, after checking that the new root is consistent with it.
 */
public final class TreeBuilder {

    private static final Logger logger = LoggerFactory.getLogger(TreeBuilder.class);

    private final LogEntries entries;
    private final TileStore tiles;
    private final MongoCheckpointHistory checkpoints;
    private final LogSigningKey key;
    private final Clock clock;
    private final Duration checkpointInterval;
    private final int batchSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong appendedLeaves = new AtomicLong();
    private final AtomicLong signedCheckpoints = new AtomicLong();
    private volatile long knownSize = -1;

    public TreeBuilder(LogEntries entries, TileStore tiles, MongoCheckpointHistory checkpoints, LogSigningKey key,
                       Clock clock, Duration checkpointInterval, int batchSize) {
        this.entries = entries;
        this.tiles = tiles;
        this.checkpoints = checkpoints;
        this.key = key;
        this.clock = clock;
        this.checkpointInterval = checkpointInterval;
        this.batchSize = batchSize;
    }

    /** Leaves this instance appended since it started (for tests and the operator). */
    public long appendedLeaves() {
        return appendedLeaves.get();
    }

    public long signedCheckpoints() {
        return signedCheckpoints.get();
    }

    /** Whether the tree may already cover {@code position} (a cheap check before a catch-up). */
    public boolean covers(long position) {
        return position < knownSize;
    }

    /** Appends every position now complete below the first gap, then signs a checkpoint if one is due. */
    public void catchUp() {
        catchUp(() -> true);
    }

    /**
     * As {@link #catchUp()}, stopping between batches (and not signing) as soon as {@code stillOwner} says this
     * instance no longer owns the tree.
     */
    public void catchUp(BooleanSupplier stillOwner) {
        lock.lock();
        try {
            grow(stillOwner);
            if (stillOwner.getAsBoolean()) {
                signIfDue();
            }
        } finally {
            lock.unlock();
        }
    }

    long grow() {
        return grow(() -> true);
    }

    /** The tree's size after appending the complete prefix. */
    long grow(BooleanSupplier stillOwner) {
        long size = tiles.size();
        long head = entries.head();
        while (size <= head && stillOwner.getAsBoolean()) {
            long to = Math.min(head + 1, size + batchSize);
            List<LogEntry> batch = entries.read(size, to);
            List<byte[]> leafHashes = new ArrayList<>(batch.size());
            for (LogEntry entry : batch) {
                if (entry == null) {
                    break; // a position still in flight (or not yet sealed): the tree waits for it
                }
                leafHashes.add(entry.leafHash());
            }
            if (leafHashes.isEmpty()) {
                break;
            }
            TileLog log = tiles.tileLog();
            List<Tile> touched = log.append(size, leafHashes);
            tiles.store(touched);
            long newSize = size + leafHashes.size();
            if (!tiles.advance(size, newSize, log.root(newSize))) {
                logger.info("The tree's size moved from {} elsewhere: another instance builds it", size);
                knownSize = tiles.size();
                return knownSize;
            }
            appendedLeaves.addAndGet(leafHashes.size());
            size = newSize;
            if (leafHashes.size() < batch.size()) {
                break;
            }
        }
        knownSize = size;
        return size;
    }

    /** Signs a checkpoint of the current tree if it grew and the interval since the last one has passed. */
    void signIfDue() {
        long size = tiles.size();
        if (size == 0) {
            return;
        }
        Optional<MongoCheckpointHistory.Numbered> latest = checkpoints.latestNumbered();
        if (latest.isPresent()) {
            Optional<MongoCheckpointHistory.Numbered> unpointed = checkpoints.bySeq(latest.get().seq() + 1);
            if (unpointed.isPresent()) { // stored by a signer that stopped before moving the latest pointer
                checkpoints.pointLatestAt(unpointed.get().seq(), unpointed.get().checkpoint());
                latest = unpointed;
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long seq = 0;
        if (latest.isPresent()) {
            SignedCheckpoint previous = latest.get().checkpoint();
            if (previous.treeSize() >= size || now.isBefore(previous.signedAt().plus(checkpointInterval))) {
                return;
            }
            seq = latest.get().seq() + 1;
        }
        TileLog log = tiles.tileLog();
        byte[] root = log.root(size);
        if (latest.isPresent()) {
            SignedCheckpoint previous = latest.get().checkpoint();
            byte[] previousRoot = Hashes.fromBase64(previous.rootHashBase64());
            // never sign a tree that does not extend the last signed one
            log.consistency(previous.treeSize(), size).verify(previousRoot, root);
            if (previous.signedAt().isAfter(now)) {
                now = previous.signedAt(); // signing times never go back, whoever's clock signs
            }
        }
        String note = new Checkpoint(key.origin(), size, root).sign(key.signer());
        SignedCheckpoint checkpoint = new SignedCheckpoint(size, Hashes.base64(root), now, note);
        if (checkpoints.store(seq, checkpoint)) {
            signedCheckpoints.incrementAndGet();
            logger.debug("Signed checkpoint {} of tree size {}", seq, size);
        }
    }
}
