package io.consentledger.command.api.idempotency;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.types.Binary;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;

/**
 * The outcomes of commands sent with an {@code Idempotency-Key}, one document per caller and key
 * ({@code _id = caller + "|" + key}), so every lookup is by {@code _id}. A request first inserts a PENDING record:
 * the unique {@code _id} decides which of two concurrent retries runs the command.
 */
public class IdempotencyStore {

    public static final String COLLECTION = "idempotency_keys";

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

    private final MongoCollection<Document> keys;
    private final Clock clock;
    private final Duration pendingTimeout;

    public IdempotencyStore(MongoDatabase database, Clock clock, Duration pendingTimeout) {
        this.keys = database.getCollection(COLLECTION);
        this.clock = clock;
        this.pendingTimeout = pendingTimeout;
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
            Document existing = keys.find(Filters.eq("_id", id)).first();
            if (existing == null) {
                continue; // abandoned meanwhile: try to own it
            }
            if (!fingerprint.equals(existing.getString("fingerprint"))) {
                return new Reused();
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

    public void complete(String id, int status, String contentType, String location, byte[] body) {
        keys.updateOne(Filters.eq("_id", id), Updates.combine(
                Updates.set("state", "COMPLETED"),
                Updates.set("status", status),
                Updates.set("contentType", contentType),
                Updates.set("location", location),
                Updates.set("body", new Binary(body)),
                Updates.set("completedAt", Date.from(clock.instant()))));
    }

    /** The command did not produce an outcome worth replaying (a server error): a retry may run it again. */
    public void abandon(String id) {
        keys.deleteOne(Filters.eq("_id", id));
    }

}
