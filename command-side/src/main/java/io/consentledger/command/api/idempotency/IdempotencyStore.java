package io.consentledger.command.api.idempotency;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The outcomes of commands sent with an {@code Idempotency-Key}, one document per caller and key
 * ({@code _id = caller + "|" + key}), so every lookup is by {@code _id}. A request first inserts a PENDING record:
 * the unique {@code _id} decides which of two concurrent retries runs the command.
 *
 * <p>An outcome is written either before the answer ({@link #complete}) or after it ({@link #completeLater}: one
 * writer thread sends the outcomes queued meanwhile as one unordered bulk update, off the request thread). Until a
 * deferred outcome is written, this instance answers a retry from memory (the same replay, or 422 for another
 * request); another instance sees the record PENDING and answers 409 in flight, as for a request still running.
 * If the process dies before the write, the record stays PENDING and is taken over after the pending timeout, as
 * when a process dies between the command and {@link #complete}.
 */
public class IdempotencyStore implements AutoCloseable {

    public static final String COLLECTION = "idempotency_keys";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    /** Outcomes sent in one bulk update at most. */
    private static final int BATCH = 256;

    public sealed interface Begin {
    }

    /** This request owns the key: run the command, then {@link #complete} or {@link #abandon}. */
    public record Started() implements Begin {
    }

    public record InFlight() implements Begin {
    }

    public record Reused() implements Begin {
    }

    public record Replay(int status, String contentType, String location, byte[] body) implements Begin {
    }

    /** An outcome answered but not yet written. */
    private record Deferred(String id, String fingerprint, int status, String contentType, String location, byte[] body,
                            Date completedAt) {
    }

    private final MongoCollection<Document> keys;
    private final Clock clock;
    private final Duration pendingTimeout;
    /** Answered, not yet written (or being written): a retry on this instance is answered from here. */
    private final Map<String, Deferred> unwritten = new ConcurrentHashMap<>();
    private final BlockingQueue<Deferred> toWrite = new LinkedBlockingQueue<>();
    private final Object writing = new Object();
    private final Thread writer;
    private volatile boolean closed;

    public IdempotencyStore(MongoDatabase database, Clock clock, Duration pendingTimeout) {
        this(database, clock, pendingTimeout, true);
    }

    /** @param startWriter false in tests that {@link #flush()} by hand */
    IdempotencyStore(MongoDatabase database, Clock clock, Duration pendingTimeout, boolean startWriter) {
        this.keys = database.getCollection(COLLECTION);
        this.clock = clock;
        this.pendingTimeout = pendingTimeout;
        if (startWriter) {
            this.writer = new Thread(this::writeUntilClosed, "idempotency-outcomes");
            this.writer.setDaemon(true);
            this.writer.start();
        } else {
            this.writer = null;
        }
    }

    public Begin begin(String id, String fingerprint) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Date now = Date.from(clock.instant());
            try {
                keys.insertOne(new Document("_id", id).append("fingerprint", fingerprint)
                                                      .append("state", "PENDING").append("startedAt", now));
                return new Started();
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Begin answered = answered(id, fingerprint);
            if (answered != null) {
                return answered;
            }
            Document existing = keys.find(Filters.eq("_id", id)).first();
            if (existing == null) {
                continue; // abandoned meanwhile: try to own it
            }
            if (!fingerprint.equals(existing.getString("fingerprint"))) {
                return new Reused();
            }
            if ("PENDING".equals(existing.getString("state")) && (answered = answered(id, fingerprint)) != null) {
                return answered; // answered on this instance since the look-up above
            }
            if ("COMPLETED".equals(existing.getString("state"))) {
                Binary body = existing.get("body", Binary.class);
                return new Replay(existing.getInteger("status"), existing.getString("contentType"),
                        existing.getString("location"), body == null ? new byte[0] : body.getData());
            }
            Date startedAt = existing.getDate("startedAt");
            if (startedAt != null && startedAt.toInstant().plus(pendingTimeout).isBefore(clock.instant())) {
                // The request that owned it is presumed dead: take over, unless someone else did first.
                long taken = keys.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("startedAt", startedAt),
                                Filters.eq("state", "PENDING")),
                        Updates.set("startedAt", now)).getModifiedCount();
                if (taken == 1) {
                    return new Started();
                }
            }
            return new InFlight();
        }
        return new InFlight();
    }

    /** The outcome of this instance's request answered but not yet written, if any. */
    private Begin answered(String id, String fingerprint) {
        Deferred deferred = unwritten.get(id);
        if (deferred == null) {
            return null;
        }
        return fingerprint.equals(deferred.fingerprint())
                ? new Replay(deferred.status(), deferred.contentType(), deferred.location(), deferred.body())
                : new Reused();
    }

    public void complete(String id, int status, String contentType, String location, byte[] body) {
        keys.updateOne(Filters.eq("_id", id), outcome(status, contentType, location, body, Date.from(clock.instant())));
    }

    private static Bson outcome(int status, String contentType, String location, byte[] body, Date completedAt) {
        return Updates.combine(
                Updates.set("state", "COMPLETED"),
                Updates.set("status", status),
                Updates.set("contentType", contentType),
                Updates.set("location", location),
                Updates.set("body", new Binary(body)),
                Updates.set("completedAt", completedAt));
    }

    /**
     * Records the outcome of the request that owns {@code id} after it is answered: a retry on this instance gets
     * it at once, the store gets it with the next batch. After {@link #close()}, it is written at once.
     */
    public void completeLater(String id, String fingerprint, int status, String contentType, String location, byte[] body) {
        Deferred deferred = new Deferred(id, fingerprint, status, contentType, location, body, Date.from(clock.instant()));
        if (closed) {
            complete(id, status, contentType, location, body);
            return;
        }
        unwritten.put(id, deferred);
        toWrite.add(deferred);
        if (closed) {
            flush(); // closed meanwhile: the writer may have stopped before our add
        }
    }

    /** Writes every deferred outcome queued now; returns the number of bulk writes sent. */
    int flush() {
        int sent = 0;
        synchronized (writing) {
            List<Deferred> batch = new ArrayList<>();
            while (toWrite.drainTo(batch, BATCH) > 0) {
                write(batch);
                batch.clear();
                sent++;
            }
        }
        return sent;
    }

    private void writeUntilClosed() {
        while (!closed) {
            try {
                Deferred first = toWrite.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                synchronized (writing) {
                    List<Deferred> batch = new ArrayList<>();
                    batch.add(first);
                    toWrite.drainTo(batch, BATCH - 1);
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Deferred idempotency outcomes not written: {}", e.toString());
            }
        }
    }

    /**
     * One unordered bulk update. An outcome that fails to be written is forgotten: its record stays PENDING and is
     * taken over after the pending timeout, as after a crash before {@link #complete}.
     */
    private void write(List<Deferred> batch) {
        List<WriteModel<Document>> updates = new ArrayList<>(batch.size());
        for (Deferred d : batch) {
            updates.add(new UpdateOneModel<>(Filters.eq("_id", d.id()),
                    outcome(d.status(), d.contentType(), d.location(), d.body(), d.completedAt())));
        }
        try {
            keys.bulkWrite(updates, new BulkWriteOptions().ordered(false));
        } catch (RuntimeException e) {
            LOG.warn("{} deferred idempotency outcomes not written (their keys stay pending until taken over): {}",
                     batch.size(), e.toString());
        } finally {
            for (Deferred d : batch) {
                unwritten.remove(d.id(), d);
            }
        }
    }

    /** Stops the writer and writes what is still deferred. */
    @Override
    public void close() {
        closed = true;
        if (writer != null) {
            try { // no interrupt: the driver would abandon a write in progress
                writer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    /** The command did not produce an outcome worth replaying (a server error): a retry may run it again. */
    public void abandon(String id) {
        keys.deleteOne(Filters.eq("_id", id));
    }

}
