package io.consentledger.command.expiry;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * Due expiries, in MongoDB, by minute: {@code consent_expiry_buckets} holds {@code {_id: epochMinute, consentIds: [...]}}
 * and {@code consent_expiry_cursor} the lowest minute that may still hold a bucket to sweep. Every query is by
 * {@code _id} (equality or {@code $in}), which stays fast on the embedded server as the store grows.
 * <p>
 * Buckets are hints: the consent aggregate decides whether a consent is due, so a stale entry costs one no-op command.
 */
public class ExpiryBuckets {

    public static final String BUCKETS = "consent_expiry_buckets";
    public static final String CURSOR = "consent_expiry_cursor";
    private static final String CURSOR_ID = "sweeper";

    public record Bucket(long minute, List<String> consentIds) {
    }

    private final MongoCollection<Document> buckets;
    private final MongoCollection<Document> cursor;

    public ExpiryBuckets(MongoDatabase database) {
        this.buckets = database.getCollection(BUCKETS);
        this.cursor = database.getCollection(CURSOR);
    }

    public static long minuteOf(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), 60);
    }

    public void schedule(String consentId, Instant expiresAt) {
        long minute = minuteOf(expiresAt);
        buckets.updateOne(Filters.eq("_id", minute), Updates.addToSet("consentIds", consentId), new UpdateOptions().upsert(true));
        cursor.updateOne(Filters.eq("_id", CURSOR_ID), Updates.min("minute", minute), new UpdateOptions().upsert(true));
    }

    public void unschedule(String consentId, Instant expiresAt) {
        done(minuteOf(expiresAt), List.of(consentId));
    }

    /** Buckets with an {@code _id} in {@code [fromMinute, toMinute]}, oldest first. */
    public List<Bucket> between(long fromMinute, long toMinute) {
        List<Long> minutes = LongStream.rangeClosed(fromMinute, toMinute).boxed().toList();
        List<Bucket> found = new ArrayList<>();
        for (Document document : buckets.find(Filters.in("_id", minutes))) {
            found.add(new Bucket(((Number) document.get("_id")).longValue(), document.getList("consentIds", String.class, List.of())));
        }
        found.sort(Comparator.comparingLong(Bucket::minute));
        return found;
    }

    /** Removes handled ids from a bucket, and the bucket once empty; ids added meanwhile stay. */
    public void done(long minute, List<String> consentIds) {
        if (consentIds.isEmpty()) {
            return;
        }
        buckets.updateOne(Filters.eq("_id", minute), Updates.pullAll("consentIds", consentIds));
        buckets.deleteOne(Filters.and(Filters.eq("_id", minute), Filters.size("consentIds", 0)));
    }

    public Optional<Long> cursor() {
        Document document = cursor.find(Filters.eq("_id", CURSOR_ID)).first();
        return document == null ? Optional.empty() : Optional.of(((Number) document.get("minute")).longValue());
    }

    /** Moves the cursor forward unless a late schedule moved it (compare-and-set on the value read). */
    public void advanceCursor(long expected, long next) {
        cursor.updateOne(Filters.and(Filters.eq("_id", CURSOR_ID), Filters.eq("minute", expected)), Updates.set("minute", next));
    }
}
