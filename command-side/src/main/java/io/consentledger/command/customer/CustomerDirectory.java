package io.consentledger.command.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import static com.mongodb.client.model.Filters.eq;

/**
 * What the command side knows of each customer (data subject {@code providerId/customerId}), built from the events
 * by {@link CustomerDirectoryProjection}: the latest authorisation (for the retention rule), the customer's consents
 * and links (to clear their snapshots and cached state on erasure), and the erasure's state. Read by {@code _id}:
 * {@code customer_directory} by subject, {@code customer_of} by consent or link id. Only the sweep's list of pending
 * erasures scans, and erasures are few.
 *
 * <p>The erasure guard's look-up ({@link #erasureRequested(String)}) is answered from memory. Every erasure the
 * projection records also gives one document a new random value after the entry is written, the erasure
 * <em>generation</em> (collection {@value #GENERATION}, read by {@code _id}); an instance reads it at most once per
 * refresh interval, for all customers, and reads a customer's entry again only when the generation changed since it
 * last read it. A fresh value, not a counter: two writers can never leave it at a value a reader already saw (the
 * embedded store's {@code $inc} is not safe under concurrent writers, docs/decisions.md). An erasure recorded on any
 * instance is so seen by every instance at most one refresh interval (plus one read) after the directory recorded
 * it; an erasure, once seen, is never un-seen.
 */
public class CustomerDirectory {

    public static final String DIRECTORY = "customer_directory";
    public static final String OWNERS = "customer_of";
    /** One document, {@code {_id: "erasures", v}}: a new random value after every erasure the directory records. */
    public static final String GENERATION = "customer_erasure_generation";
    private static final String GENERATION_ID = "erasures";

    /** One customer. {@code erasure} is null, PENDING or ERASED. */
    public record Entry(String subjectId, Instant latestAuthorisationAt, List<String> consentIds, List<String> linkIds,
                        String erasure, Instant eraseAt) {
    }

    private final MongoCollection<Document> directory;
    private final MongoCollection<Document> owners;
    /** Consent and link owners never change: cached for good (bounded). */
    private final Cache<String, String> ownerCache = Caffeine.newBuilder().maximumSize(200_000).build();
    private final MongoCollection<Document> generations;
    /**
     * Whether erasure was asked for, and at which generation that was read: a "no" holds while the generation has
     * not moved, a "yes" for good (an erasure is never withdrawn). Bounded; an evicted customer is read again.
     */
    private final Cache<String, Known> erasureCache = Caffeine.newBuilder().maximumSize(200_000).build();
    private final long refreshNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock refreshing = new ReentrantLock();
    /** The generation last read ("" when no erasure was ever recorded) and when, by {@link #nanoTime}; null: never. */
    private volatile Generation generation;

    private record Generation(String value, long readAt) {
    }

    private record Known(boolean requested, String generation) {
    }

    /** @param refresh how long the erasure generation read from the store is trusted (the guard's bound) */
    public CustomerDirectory(MongoDatabase database, Duration refresh) {
        this(database, refresh, System::nanoTime);
    }

    CustomerDirectory(MongoDatabase database, Duration refresh, LongSupplier nanoTime) {
        this.directory = database.getCollection(DIRECTORY);
        this.owners = database.getCollection(OWNERS);
        this.generations = database.getCollection(GENERATION);
        this.refreshNanos = refresh.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A link is not an authorisation under rule 12 (that is the customer's authorisation of a recipient's access). */
    void link(String subjectId, String linkId) {
        directory.updateOne(eq("_id", subjectId), Updates.addToSet("linkIds", linkId), new UpdateOptions().upsert(true));
        owner(linkId, subjectId);
    }

    void consent(String subjectId, String consentId) {
        directory.updateOne(eq("_id", subjectId), Updates.addToSet("consentIds", consentId), new UpdateOptions().upsert(true));
        owner(consentId, subjectId);
    }

    void authorised(String subjectId, Instant at) {
        directory.updateOne(eq("_id", subjectId), Updates.max("latestAuthorisationAt", Date.from(at)),
                            new UpdateOptions().upsert(true));
    }

    void erasureRequested(String subjectId, Instant eraseAt) {
        directory.updateOne(eq("_id", subjectId), Updates.combine(Updates.set("erasure", "PENDING"),
                Updates.set("eraseAt", Date.from(eraseAt))), new UpdateOptions().upsert(true));
        erasureRecorded(subjectId);
    }

    void erased(String subjectId) {
        directory.updateOne(eq("_id", subjectId), Updates.set("erasure", "ERASED"), new UpdateOptions().upsert(true));
        erasureRecorded(subjectId);
    }

    /** After the entry is written, so an instance that sees the new generation reads the written entry. */
    private void erasureRecorded(String subjectId) {
        erasureCache.put(subjectId, new Known(true, ""));
        generations.updateOne(eq("_id", GENERATION_ID), Updates.set("v", UUID.randomUUID().toString()),
                              new UpdateOptions().upsert(true));
    }

    private void owner(String aggregateId, String subjectId) {
        owners.updateOne(eq("_id", aggregateId), Updates.set("subject", subjectId), new UpdateOptions().upsert(true));
        ownerCache.put(aggregateId, subjectId);
    }

    public Optional<Entry> find(String subjectId) {
        return Optional.ofNullable(directory.find(eq("_id", subjectId)).first()).map(CustomerDirectory::entry);
    }

    /** The customer a consent or link belongs to. */
    public Optional<String> subjectOf(String aggregateId) {
        String cached = ownerCache.getIfPresent(aggregateId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Document document = owners.find(eq("_id", aggregateId)).first();
        if (document == null) {
            return Optional.empty();
        }
        ownerCache.put(aggregateId, document.getString("subject"));
        return Optional.of(document.getString("subject"));
    }

    /**
     * Whether the customer's erasure was requested or done, as the directory had it at most one refresh interval
     * ago (see the class comment). No store read while the generation has not moved, apart from the generation's
     * own read once per refresh interval.
     */
    public boolean erasureRequested(String subjectId) {
        String current = currentGeneration(); // before the entry: an entry read after it is at least this recent
        Known known = erasureCache.getIfPresent(subjectId);
        if (known != null && (known.requested() || known.generation().equals(current))) {
            return known.requested();
        }
        boolean requested = find(subjectId).map(e -> e.erasure() != null).orElse(false);
        erasureCache.asMap().merge(subjectId, new Known(requested, current), (old, read) -> old.requested() ? old : read);
        return requested;
    }

    /**
     * The erasure generation, read from the store when the last read is a refresh interval old. One thread reads;
     * the others meanwhile keep the previous value (so the bound is the interval plus one read), except before the
     * first read, when they wait for it.
     */
    private String currentGeneration() {
        Generation known = generation;
        if (known != null && nanoTime.getAsLong() - known.readAt() < refreshNanos) {
            return known.value();
        }
        if (known != null && !refreshing.tryLock()) {
            return known.value();
        }
        if (known == null) {
            refreshing.lock();
        }
        try {
            known = generation;
            if (known != null && nanoTime.getAsLong() - known.readAt() < refreshNanos) {
                return known.value();
            }
            long readAt = nanoTime.getAsLong();
            Document document = generations.find(eq("_id", GENERATION_ID)).first();
            String value = document == null || document.getString("v") == null ? "" : document.getString("v");
            generation = new Generation(value, readAt);
            return value;
        } finally {
            refreshing.unlock();
        }
    }

    /** Customers whose erasure is pending and due at {@code now}. */
    public List<Entry> pendingDue(Instant now) {
        List<Entry> due = new ArrayList<>();
        for (Document document : directory.find(eq("erasure", "PENDING"))) {
            Entry entry = entry(document);
            if (entry.eraseAt() != null && !entry.eraseAt().isAfter(now)) {
                due.add(entry);
            }
        }
        return due;
    }

    private static Entry entry(Document document) {
        Date latest = document.getDate("latestAuthorisationAt");
        Date eraseAt = document.getDate("eraseAt");
        return new Entry(document.getString("_id"), latest == null ? null : latest.toInstant(),
                         document.getList("consentIds", String.class, List.of()),
                         document.getList("linkIds", String.class, List.of()),
                         document.getString("erasure"), eraseAt == null ? null : eraseAt.toInstant());
    }
}
