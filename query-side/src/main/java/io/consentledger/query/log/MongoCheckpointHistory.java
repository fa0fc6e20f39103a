package io.consentledger.query.log;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;

/**
 * Every signed checkpoint, in {@code log_checkpoints}: {@code {_id: treeSize, seq, root, signedAt, note}}. {@code seq}
 * numbers the checkpoints 0, 1, 2, … in signing order (unique index {@code seq_unique}); sizes and signing times grow
 * with it. The latest is mirrored in {@code log_tree}'s {@code "checkpoint"} document, so {@link #latest()} is one
 * read by {@code _id}, {@link #atSize} one more, and {@link #latestSignedAtOrBefore} a binary search over
 * {@code seq}: about log2(checkpoints) reads by a unique key, and no scan.
 */
public final class MongoCheckpointHistory implements CheckpointHistory {

    public static final String CHECKPOINTS = "log_checkpoints";
    static final String LATEST_ID = "checkpoint";

    /** A checkpoint with its number. */
    record Numbered(long seq, SignedCheckpoint checkpoint) {
    }

    private final MongoCollection<Document> checkpoints;
    private final MongoCollection<Document> tree;

    public MongoCheckpointHistory(MongoDatabase database) {
        this.checkpoints = database.getCollection(CHECKPOINTS);
        this.tree = database.getCollection(TileStore.TREE);
        checkpoints.createIndex(Indexes.ascending("seq"), new IndexOptions().unique(true).name("seq_unique"));
    }

    @Override
    public Optional<SignedCheckpoint> latest() {
        return latestNumbered().map(Numbered::checkpoint);
    }

    Optional<Numbered> latestNumbered() {
        return Optional.ofNullable(tree.find(eq("_id", LATEST_ID)).first()).map(MongoCheckpointHistory::numbered);
    }

    @Override
    public Optional<SignedCheckpoint> atSize(long treeSize) {
        return Optional.ofNullable(checkpoints.find(eq("_id", treeSize)).first())
                       .map(document -> numbered(document).checkpoint());
    }

    @Override
    public Optional<SignedCheckpoint> latestSignedAtOrBefore(Instant instant) {
        Optional<Numbered> latest = latestNumbered();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        if (!latest.get().checkpoint().signedAt().isAfter(instant)) {
            return latest.map(Numbered::checkpoint);
        }
        // invariant: seq lo is at or before the instant (or lo = -1), seq hi is after it
        long lo = -1;
        long hi = latest.get().seq();
        SignedCheckpoint best = null;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            Optional<Numbered> at = bySeq(mid);
            if (at.isEmpty()) {
                throw new IllegalStateException("checkpoint number " + mid + " is missing from " + CHECKPOINTS);
            }
            if (at.get().checkpoint().signedAt().isAfter(instant)) {
                hi = mid;
            } else {
                lo = mid;
                best = at.get().checkpoint();
            }
        }
        return Optional.ofNullable(best);
    }

    Optional<Numbered> bySeq(long seq) {
        return Optional.ofNullable(checkpoints.find(eq("seq", seq)).first()).map(MongoCheckpointHistory::numbered);
    }

    /**
     * Stores a newly signed checkpoint as number {@code seq}, then points the latest at it. False when that number
     * or that size is taken already (another signer got there first).
     */
    boolean store(long seq, SignedCheckpoint checkpoint) {
        Document document = document(seq, checkpoint).append("_id", checkpoint.treeSize());
        try {
            checkpoints.insertOne(document);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
        pointLatestAt(seq, checkpoint);
        return true;
    }

    /** Moves the latest pointer forward to {@code seq} (never back). */
    void pointLatestAt(long seq, SignedCheckpoint checkpoint) {
        Document latest = document(seq, checkpoint).append("_id", LATEST_ID);
        if (seq == 0) {
            try {
                tree.insertOne(latest);
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            return;
        }
        tree.replaceOne(new Document("_id", LATEST_ID).append("seq", new Document("$lt", seq)), latest,
                        new ReplaceOptions().upsert(false));
    }

    private static Document document(long seq, SignedCheckpoint checkpoint) {
        return new Document("seq", seq).append("size", checkpoint.treeSize())
                                       .append("root", checkpoint.rootHashBase64())
                                       .append("signedAt", Date.from(checkpoint.signedAt()))
                                       .append("note", checkpoint.note());
    }

    private static Numbered numbered(Document document) {
        return new Numbered(document.get("seq", Number.class).longValue(),
                            new SignedCheckpoint(document.get("size", Number.class).longValue(),
                                                 document.getString("root"),
                                                 document.getDate("signedAt").toInstant(),
                                                 document.getString("note")));
    }
}
