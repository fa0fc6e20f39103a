package io.consentledger.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import static com.mongodb.client.model.Filters.eq;

/**
 * Allocates global positions from the counter document, grouping concurrent requests of one JVM into a single
 * {@code $inc}.
 * <p>
 * A writer queues its request and takes the lock. The holder of the lock (the leader) drains the queue, allocates
 * the sum with one atomic {@code $inc}, and hands each waiting request its consecutive range. A writer that gets the
 * lock after its request was served just returns its range. So one JVM has at most one {@code $inc} in flight:
 * <ul>
 *     <li>under concurrency it saves round trips (group allocation);</li>
 *     <li>on the embedded server, whose {@code findOneAndUpdate} can return the same value to two concurrent callers,
 *     no position is handed out twice and none is left unused within a JVM.</li>
 * </ul>
 */
final class PositionAllocator {

    private static final class Request {
        final int count;
        long last;
        RuntimeException failure;
        boolean served;

        Request(int count) {
            this.count = count;
        }
    }

    private final MongoCollection<Document> counters;
    private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    PositionAllocator(MongoCollection<Document> counters) {
        this.counters = counters;
    }

    /** Allocates {@code count} consecutive positions and returns the last of them. */
    long allocate(int count) {
        Request request = new Request(count);
        queue.add(request);
        lock.lock();
        try {
            if (!request.served) {
                serveQueue();
            }
        } finally {
            lock.unlock();
        }
        if (request.failure != null) {
            throw request.failure;
        }
        return request.last;
    }

    private void serveQueue() {
        List<Request> batch = new ArrayList<>();
        long total = 0;
        for (Request next; (next = queue.poll()) != null; ) {
            batch.add(next);
            total += next.count;
        }
        try {
            long last = increment(total);
            long position = last - total;
            for (Request served : batch) {
                position += served.count;
                served.last = position;
                served.served = true;
            }
        } catch (RuntimeException e) {
            for (Request failed : batch) {
                failed.failure = e;
                failed.served = true;
            }
        }
    }

    private long increment(long by) {
        Document counter = counters.findOneAndUpdate(
                eq(CommitSchema.ID, CommitSchema.COUNTER_ID), Updates.inc(CommitSchema.COUNTER_VALUE, by),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return CommitSchema.counterValue(Objects.requireNonNull(counter, "position counter"));
    }

    /** The highest position allocated so far, by any JVM. */
    long head() {
        return head(counters);
    }

    /**
     * The head of the log: the highest position allocated so far, by any JVM, including commits still in flight.
     * The one place that reads it; the engine and {@link EventLog} both come here.
     */
    static long head(MongoCollection<Document> counters) {
        return CommitSchema.counterValue(counters.find(eq(CommitSchema.ID, CommitSchema.COUNTER_ID)).first());
    }
}
