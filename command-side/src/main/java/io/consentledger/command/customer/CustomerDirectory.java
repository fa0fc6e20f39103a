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

import static com.mongodb.client.model.Filters.eq;

/**
 * What the command side knows of each customer (data subject {@code providerId/customerId}), built from the events
 * by {@link CustomerDirectoryProjection}: the latest authorisation (for the retention rule), the customer's consents
 * and links (to clear their snapshots and cached state on erasure), and the erasure's state. Read by {@code _id}:
 * {@code customer_directory} by subject, {@code customer_of} by consent or link id. Only the sweep's list of pending
 * erasures scans, and erasures are few.
 */
public class CustomerDirectory {

    public static final String DIRECTORY = "customer_directory";
    public static final String OWNERS = "customer_of";

    /** One customer. {@code erasure} is null, PENDING or ERASED. */
    public record Entry(String subjectId, Instant latestAuthorisationAt, List<String> consentIds, List<String> linkIds,
                        String erasure, Instant eraseAt) {
    }

    private final MongoCollection<Document> directory;
    private final MongoCollection<Document> owners;
    /** Consent and link owners never change: cached for good (bounded). */
    private final Cache<String, String> ownerCache = Caffeine.newBuilder().maximumSize(200_000).build();
    /** Whether erasure was asked for: cached briefly, so that a share costs no extra read most of the time. */
    private final Cache<String, Boolean> erasureCache;

    public CustomerDirectory(MongoDatabase database, Duration erasureCacheTtl) {
        this.directory = database.getCollection(DIRECTORY);
        this.owners = database.getCollection(OWNERS);
        this.erasureCache = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(erasureCacheTtl).build();
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
        erasureCache.put(subjectId, true);
    }

    void erased(String subjectId) {
        directory.updateOne(eq("_id", subjectId), Updates.set("erasure", "ERASED"), new UpdateOptions().upsert(true));
        erasureCache.put(subjectId, true);
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

    /** Whether the customer's erasure was requested or done (cached for a few seconds). */
    public boolean erasureRequested(String subjectId) {
        return erasureCache.get(subjectId, id -> find(id).map(e -> e.erasure() != null).orElse(false));
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
