package io.consentledger.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

import static com.mongodb.client.model.Filters.in;

/**
 * Seals dead gaps: a position allocated but still empty after the gap timeout gets a tombstone. The unique
 * {@code positions} index makes the tombstone and a late commit exclusive: whichever is inserted first owns the
 * position, and a writer that finds its position sealed commits again at new positions.
 */
final class GapSealer {

    private static final Logger logger = LoggerFactory.getLogger(GapSealer.class);

    private final MongoCollection<Document> commits;
    private final PendingPositions pendingPositions;
    private final Clock clock;
    private final Duration gapTimeout;

    GapSealer(MongoCollection<Document> commits, Duration gapTimeout, LongSupplier nanoClock, Clock clock) {
        this.commits = commits;
        this.pendingPositions = new PendingPositions(gapTimeout, nanoClock);
        this.gapTimeout = gapTimeout;
        this.clock = clock;
    }

    Duration gapTimeout() {
        return gapTimeout;
    }

    /** Whether one of the positions {@code first..last} was sealed (checked by a writer whose insert failed). */
    boolean isSealed(long first, long last) {
        List<Long> ours = LongStream.rangeClosed(first, last).boxed().toList();
        return CommitSchema.distinct(commits.find(in(CommitSchema.POSITIONS, ours))).stream()
                           .anyMatch(CommitSchema::isTombstone);
    }

    /**
     * After a tracking read: positions that were wanted but are still empty are pending. Every position up to the
     * highest one found is allocated (positions come from a monotonic counter); above it, the counter says how far
     * allocation went. Pending positions older than the gap timeout are sealed.
     *
     * @param found         position to event document (null for a tombstone) of what the read found
     * @param allocatedHead the head of the log if the read already knows it, else a way to read it
     */
    void sealAbandonedPositions(Collection<Long> wanted, TreeMap<Long, Document> found, long index,
                                LongSupplier allocatedHead) {
        pendingPositions.resolved(found.keySet());
        List<Long> missing = wanted.stream().filter(p -> !found.containsKey(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        long highestFound = found.isEmpty() ? index : Math.max(index, found.lastKey());
        boolean beyondFound = missing.stream().anyMatch(p -> p > highestFound);
        long allocated = !beyondFound ? highestFound : Math.max(highestFound, allocatedHead.getAsLong());
        List<Long> pending = missing.stream().filter(p -> p <= allocated).toList();
        for (Long position : pendingPositions.observe(pending)) {
            seal(position);
        }
    }

    /**
     * A writer whose commit was refused (a concurrency conflict, an event already stored) seals the positions it was
     * handed, at once: nothing will ever be stored there, and a reader need not carry them as gaps for the gap timeout.
     * A position already owned (a reader's tombstone, a commit the store handed the same position to) is left as is.
     */
    void sealRefused(long first, long last) {
        Instant now = clock.instant();
        List<Document> tombstones = LongStream.rangeClosed(first, last)
                                              .mapToObj(position -> CommitSchema.tombstone(position, now))
                                              .toList();
        try {
            commits.insertMany(tombstones, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteErrors().stream().anyMatch(error -> ErrorCategory.fromErrorCode(error.getCode())
                    != ErrorCategory.DUPLICATE_KEY)) {
                throw new EventStoreException("Could not seal the refused commit's positions " + first + ".." + last,
                                              e);
            }
            // one of them was owned already: it stays its owner's
        }
        pendingPositions.resolved(LongStream.rangeClosed(first, last).boxed().toList());
    }

    private void seal(long position) {
        try {
            commits.insertOne(CommitSchema.tombstone(position, clock.instant()));
            logger.warn("Sealed global position {}: it stayed empty for longer than the gap timeout of {}. "
                                + "If its writer is still alive it will commit again at a new position.",
                        position, gapTimeout);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw new EventStoreException("Could not seal global position " + position, e);
            }
            // the commit (or another reader's tombstone) landed first: nothing to seal
        }
        pendingPositions.resolved(List.of(position));
    }
}
