package io.consentledger.query.notification.delivery;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.signing.WebhookSecret;
import io.consentledger.query.projection.Docs;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Webhooks and their deliveries in MongoDB, on the plain sync driver. Every read and write goes through {@code _id}
 * (by equality or {@code $in}; two-key filters are plain documents, not {@code $and}, so the embedded server
 * still serves them by {@code _id}); the one scan is of {@code notification_outbox}, which holds only the pending
 * deliveries (the backlog), never the history.
 * <ul>
 *   <li>{@code notification_webhooks}: one per webhook, {@code _id} = webhook id; carries the attempt counter.</li>
 *   <li>{@code notification_webhooks_deleted}: a deleted webhook without its secrets, with {@code deletedAt}, so an
 *       auditor can still read its delivery log.</li>
 *   <li>{@code notification_webhook_owners}: one per subscriber, {@code _id} = {@code PROVIDER:bank-1}, the ids of
 *       its webhooks.</li>
 *   <li>{@code notification_deliveries}: one per (event, webhook), {@code _id} = {@code eventId/webhookId}; kept.</li>
 *   <li>{@code notification_outbox}: the pending deliveries only, <b>one document per recorded batch</b> (a random
 *       {@code _id}), its entries in {@code d} by key ({@code k0}, {@code k1}, …): each delivery's id, webhook, lane,
 *       position and due time. A finished delivery's entry is removed ({@code $unset}), a retried one's due time
 *       moved ({@code $set}), by the document's {@code _id}; a document with no entry left is deleted.</li>
 *   <li>{@code notification_attempts}: the webhooks' delivery logs, one <b>log page</b> per webhook and stored batch
 *       of outcomes, {@code _id} = {@code webhookId/L<k>} with k counting that webhook's pages from 1 (its
 *       {@code logSeq}), the attempts in {@code attempts}, numbered from {@code from} in the webhook's
 *       {@code attemptSeq}; so the newest attempts of a webhook's log are an {@code $in} on ids. Data written
 *       before p8 has one document per attempt, {@code _id} = {@code webhookId/<n>}: read below the first page.</li>
 * </ul>
 * Webhook secrets are stored as they are: signing needs them.
 */
public class NotificationStore {

    private final MongoCollection<Document> webhooks;
    private final MongoCollection<Document> deleted;
    private final MongoCollection<Document> owners;
    private final MongoCollection<Document> deliveries;
    private final MongoCollection<Document> outbox;
    private final MongoCollection<Document> attempts;
    private final MongoCollection<Document> versions;

    public NotificationStore(MongoDatabase database) {
        this.webhooks = database.getCollection("notification_webhooks");
        this.deleted = database.getCollection("notification_webhooks_deleted");
        this.owners = database.getCollection("notification_webhook_owners");
        this.deliveries = database.getCollection("notification_deliveries");
        this.outbox = database.getCollection("notification_outbox");
        this.attempts = database.getCollection("notification_attempts");
        this.versions = database.getCollection("notification_webhooks_version");
        adoptEarlierOutbox();
    }

    /** The most entries one outbox document gets when the earlier outbox is adopted. */
    private static final int ADOPTED_PER_DOCUMENT = 1000;

    /**
     * Until p6 the outbox held one document per pending delivery ({@code _id} = the delivery's id, its webhook, lane,
     * position and due time at the top level). Such documents, left by an earlier version, are listed in documents
     * of the present form and then deleted (a crash in between lists them twice, which the dispatcher tolerates). A
     * scan of the outbox, at construction only.
     */
    private void adoptEarlierOutbox() {
        List<Document> earlier = new ArrayList<>();
        outbox.find(Filters.exists(ENTRIES, false)).forEach(earlier::add);
        if (earlier.isEmpty()) {
            return;
        }
        List<Document> adopted = new ArrayList<>();
        Document entries = new Document();
        for (Document d : earlier) {
            if (d.getString("webhookId") == null || d.getDate("dueAt") == null) {
                continue;
            }
            entries.append("k" + entries.size(), new Document("id", d.getString("_id"))
                    .append("webhookId", d.getString("webhookId")).append("orderingKey", d.getString("orderingKey"))
                    .append("position", d.get("position", Number.class).longValue()).append("dueAt", d.getDate("dueAt")));
            if (entries.size() == ADOPTED_PER_DOCUMENT) {
                adopted.add(new Document("_id", UUID.randomUUID().toString()).append(ENTRIES, entries));
                entries = new Document();
            }
        }
        if (!entries.isEmpty()) {
            adopted.add(new Document("_id", UUID.randomUUID().toString()).append(ENTRIES, entries));
        }
        if (!adopted.isEmpty()) {
            outbox.insertMany(adopted);
        }
        outbox.deleteMany(in("_id", earlier.stream().map(d -> d.get("_id")).toList()));
    }

    private static final String VERSION_ID = "webhooks";

    /** The version of the webhooks as a whole: it grows with every change of any webhook. */
    public long webhooksVersion() {
        Document doc = versions.find(eq("_id", VERSION_ID)).first();
        return doc == null ? 0 : doc.get("version", Number.class).longValue();
    }

    /** Called after every change of a webhook, so that caches see they are stale. */
    private void webhooksChanged() {
        LAST_LOCAL_CHANGE.set(System.nanoTime());
        versions.updateOne(eq("_id", VERSION_ID), Updates.inc("version", 1L), new UpdateOptions().upsert(true));
    }

    /** When this process last changed a webhook ({@link System#nanoTime}), through any store instance. */
    private static final java.util.concurrent.atomic.AtomicLong LAST_LOCAL_CHANGE =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1));

    /**
     * When this process last changed a webhook ({@link System#nanoTime}): the dispatcher does not send with a webhook
     * the recorder knew before that.
     */
    public static long lastLocalWebhookChange() {
        return LAST_LOCAL_CHANGE.get();
    }

    // ---- webhooks ----

    /** Stores a new webhook. The owner's list is written first, so a crash between leaves no unlisted webhook. */
    public void insertWebhook(Webhook webhook) {
        owners.updateOne(eq("_id", webhook.owner().key()), Updates.addToSet("webhookIds", webhook.id()),
                new UpdateOptions().upsert(true));
        webhooks.insertOne(new Document("_id", webhook.id())
                .append("owner", webhook.owner().key())
                .append("url", webhook.url().toString())
                .append("events", webhook.events().stream().map(NotificationType::wireName).sorted().toList())
                .append("secrets", secretsDoc(webhook.secrets()))
                .append("createdAt", Date.from(webhook.createdAt()))
                .append("disabledReason", webhook.disabledReason())
                .append("attemptSeq", 0L));
        webhooksChanged();
    }

    public Optional<Webhook> findWebhook(String id) {
        return Optional.ofNullable(webhooks.find(eq("_id", id)).first()).map(NotificationStore::webhook);
    }

    /** The subscriber's webhooks, oldest first. */
    public List<Webhook> webhooksOf(Subscriber owner) {
        Document doc = owners.find(eq("_id", owner.key())).first();
        if (doc == null) {
            return List.of();
        }
        List<String> ids = doc.getList("webhookIds", String.class);
        List<Webhook> found = new ArrayList<>();
        webhooks.find(in("_id", ids)).forEach(d -> found.add(webhook(d)));
        found.removeIf(w -> !w.owner().equals(owner));
        found.sort(Comparator.comparing(Webhook::createdAt).thenComparing(Webhook::id));
        return found;
    }

    /** The webhooks of these subscribers, by subscriber: the processor's lookup, two reads whatever their number. */
    public Map<Subscriber, List<Webhook>> webhooksOf(Collection<Subscriber> subscribers) {
        List<String> keys = subscribers.stream().map(Subscriber::key).toList();
        List<String> ids = new ArrayList<>();
        owners.find(in("_id", keys)).forEach(d -> ids.addAll(d.getList("webhookIds", String.class)));
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<Webhook> found = new ArrayList<>();
        webhooks.find(in("_id", ids)).forEach(d -> found.add(webhook(d)));
        return found.stream().sorted(Comparator.comparing(Webhook::id))
                .collect(Collectors.groupingBy(Webhook::owner));
    }

    /**
     * Deletes the webhook if {@code owner} owns it. A copy without its secrets is kept (first, so a crash in between
     * leaves the webhook, not a gap), so that its delivery log stays readable to auditors.
     */
    public boolean deleteWebhook(String id, Subscriber owner, Instant deletedAt) {
        Document live = webhooks.find(new Document("_id", id).append("owner", owner.key())).first();
        if (live == null) {
            return false;
        }
        live.remove("secrets");
        live.append("deletedAt", Date.from(deletedAt));
        deleted.replaceOne(eq("_id", id), live, new com.mongodb.client.model.ReplaceOptions().upsert(true));
        boolean removed = webhooks.deleteOne(new Document("_id", id).append("owner", owner.key())).getDeletedCount() == 1;
        if (removed) {
            owners.updateOne(eq("_id", owner.key()), Updates.pull("webhookIds", id));
            webhooksChanged();
        }
        return removed;
    }

    /** A webhook, live or deleted (then disabled, with no secrets): what an auditor may read. */
    public Optional<Webhook> findWebhookIncludingDeleted(String id) {
        return findWebhook(id).or(() -> Optional.ofNullable(deleted.find(eq("_id", id)).first()).map(d -> {
            d.put("secrets", List.of());
            d.put("disabledReason", "Deleted by its owner at " + d.getDate("deletedAt").toInstant() + ".");
            return webhook(d);
        }));
    }

    public void replaceSecrets(String id, List<Webhook.VersionedSecret> secrets) {
        webhooks.updateOne(eq("_id", id), Updates.set("secrets", secretsDoc(secrets)));
        webhooksChanged();
    }

    public void disable(String id, String reason) {
        webhooks.updateOne(eq("_id", id), Updates.set("disabledReason", reason));
        webhooksChanged();
    }

    // ---- deliveries ----

    /**
     * Records a delivery, idempotently: if one with the same id exists, nothing changes, except that a pending one
     * is listed in the outbox again (a crash between the two writes may have lost its entry). Returns whether it was
     * new.
     */
    public boolean recordDelivery(Delivery delivery) {
        return recordDeliveries(List.of(delivery)).inserted() == 1;
    }

    /** What {@link #recordDeliveries} did: how many deliveries were new, and every one of them still pending. */
    public record Recorded(int inserted, List<PendingDelivery> pending) {
    }

    /**
     * Records deliveries in bulk, idempotently, in two round trips whatever their number: one unordered insert of
     * them all (those that exist already fail as duplicates and are then read, {@code $in} on {@code _id}: a third
     * round trip, only for a batch handled again), and one insert of <b>one outbox document</b> listing
     * all of the call's deliveries that are pending (new ones, and existing pending ones, which a crash between the
     * two inserts may have left out of the outbox; if they were listed already, the spare entry is removed when the
     * dispatcher finds the delivery no longer pending). Existing deliveries are otherwise left alone, whoever
     * inserted them.
     *
     * @return how many were new, and every delivery of the call that is pending, as the outbox holds it (a new one
     *         carrying the delivery as stored, so that its first attempt needs no read)
     */
    public Recorded recordDeliveries(List<Delivery> batch) {
        Map<String, Delivery> byId = new LinkedHashMap<>();
        batch.forEach(d -> byId.putIfAbsent(d.id(), d));
        if (byId.isEmpty()) {
            return new Recorded(0, List.of());
        }
        // one unordered insert of them all; those that exist already (a batch handled again) fail as duplicates,
        // and only then are they read
        Map<String, Document> existing = new HashMap<>();
        List<Delivery> all = List.copyOf(byId.values());
        try {
            deliveries.insertMany(all.stream().map(NotificationStore::deliveryDoc).toList(),
                    new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            List<String> duplicates = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                duplicates.add(all.get(error.getIndex()).id());
            }
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            deliveries.find(in("_id", duplicates))
                    .projection(Projections.include("_id", "webhookId", "orderingKey", "position", "state",
                            "nextAttemptAt"))
                    .forEach(d -> existing.put(d.getString("_id"), d));
            if (existing.size() != duplicates.size()) {
                throw e; // not a duplicate after all: let the caller's batch fail and be handled again
            }
        }
        int inserted = 0;
        String outboxId = UUID.randomUUID().toString();
        Document entries = new Document();
        List<PendingDelivery> pending = new ArrayList<>();
        for (Delivery delivery : all) {
            Document stored = existing.get(delivery.id());
            PendingDelivery.OutboxSlot slot = new PendingDelivery.OutboxSlot(outboxId, "k" + entries.size());
            PendingDelivery entry = null;
            if (stored == null) {
                inserted++;
                if (delivery.state() == DeliveryState.PENDING) {
                    entry = new PendingDelivery(delivery.id(), delivery.webhookId(), delivery.orderingKey(),
                            delivery.position(), delivery.nextAttemptAt(), delivery, slot);
                }
            } else if (DeliveryState.PENDING.name().equals(stored.getString("state"))) {
                entry = new PendingDelivery(delivery.id(), stored.getString("webhookId"),
                        stored.getString("orderingKey"), stored.get("position", Number.class).longValue(),
                        instant(stored.getDate("nextAttemptAt")), null, slot);
            }
            if (entry != null) {
                pending.add(entry);
                entries.append(slot.key(), outboxEntry(entry));
            }
        }
        // after the deliveries, so that every entry names a stored delivery; an existing pending one is listed
        // again (a crash may have lost its entry): the dispatcher sends it once and removes the spare entry
        if (!entries.isEmpty()) {
            outbox.insertOne(new Document("_id", outboxId).append(ENTRIES, entries));
        }
        return new Recorded(inserted, List.copyOf(pending));
    }

    private static final String ENTRIES = "d";

    private static Document outboxEntry(PendingDelivery p) {
        return new Document("id", p.deliveryId()).append("webhookId", p.webhookId())
                .append("orderingKey", p.orderingKey()).append("position", p.position())
                .append("dueAt", Date.from(p.dueAt()));
    }

    public Optional<Delivery> findDelivery(String id) {
        return Optional.ofNullable(deliveries.find(eq("_id", id)).first()).map(NotificationStore::delivery);
    }

    public List<Delivery> findDeliveries(Collection<String> ids) {
        List<Delivery> found = new ArrayList<>();
        deliveries.find(in("_id", List.copyOf(ids))).forEach(d -> found.add(delivery(d)));
        return found;
    }

    /**
     * The backlog: every pending delivery, a scan of the outbox. The dispatcher's recovery copy: read when it starts
     * dispatching and on its slow sweep, never per delivery. A delivery listed twice (a batch recorded again after a
     * crash) is returned once, with its latest due time.
     */
    public List<PendingDelivery> pending() {
        return scanOutbox(null);
    }

    /**
     * The dispatcher's sweep: {@link #pending()}, and the outbox documents the scan found without entries (every
     * delivery of their batch finished) deleted, in one more round trip. Outcomes only remove entries, so an empty
     * document stays until the next sweep.
     */
    public List<PendingDelivery> sweepOutbox() {
        List<String> empty = new ArrayList<>();
        List<PendingDelivery> pending = scanOutbox(empty);
        if (!empty.isEmpty()) {
            outbox.deleteMany(new Document("_id", new Document("$in", empty)).append(ENTRIES, new Document()));
        }
        return pending;
    }

    private List<PendingDelivery> scanOutbox(List<String> empty) {
        Map<String, PendingDelivery> all = new LinkedHashMap<>();
        outbox.find().forEach(doc -> {
            Document entries = doc.get(ENTRIES, Document.class);
            if (entries == null) {
                return; // not of this form (see adoptEarlierOutbox): never deleted here
            }
            if (entries.isEmpty()) {
                if (empty != null) {
                    empty.add(doc.getString("_id"));
                }
                return;
            }
            entries.forEach((key, value) -> {
                Document e = (Document) value;
                if (e.getString("id") == null || e.getDate("dueAt") == null) {
                    return; // not an entry a recorder wrote
                }
                PendingDelivery p = new PendingDelivery(e.getString("id"), e.getString("webhookId"),
                        e.getString("orderingKey"), e.get("position", Number.class).longValue(),
                        e.getDate("dueAt").toInstant(), null,
                        new PendingDelivery.OutboxSlot(doc.getString("_id"), key));
                all.merge(p.deliveryId(), p, (a, b) -> b.dueAt().isAfter(a.dueAt()) ? b : a);
            });
        });
        return List.copyOf(all.values());
    }

    /** A delivery's outcome stored on its own (tests and tools; the dispatcher stores many at once). */
    public void markDelivered(String id, int attemptsMade, Instant at) {
        applyOutcomes(List.of(new Outcome(id, DeliveryState.DELIVERED, attemptsMade, at, null, null)));
    }

    /** A delivery's outcome stored on its own (tests and tools; the dispatcher stores many at once). */
    public void reschedule(String id, int attemptsMade, Instant next, String error) {
        applyOutcomes(List.of(new Outcome(id, DeliveryState.PENDING, attemptsMade, next, next, error)));
    }

    /** A delivery's outcome stored on its own (tests and tools; the dispatcher stores many at once). */
    public void giveUp(String id, int attemptsMade, Instant at, String error) {
        applyOutcomes(List.of(new Outcome(id, DeliveryState.GIVEN_UP, attemptsMade, at, null, error)));
    }

    /**
     * A manual retry of a given-up delivery: pending again, due now, with a fresh set of attempts. Delivered and
     * still pending deliveries are left alone. Returns the delivery as the outbox now holds it, or empty if it was
     * not put back.
     */
    public Optional<PendingDelivery> retry(String id, Instant now) {
        Document after = deliveries.findOneAndUpdate(new Document("_id", id).append("state", DeliveryState.GIVEN_UP.name()),
                Updates.combine(Updates.set("state", DeliveryState.PENDING.name()), Updates.set("attempts", 0),
                        Updates.set("nextAttemptAt", Date.from(now)), Updates.set("finishedAt", null)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (after == null) {
            return Optional.empty();
        }
        return recordDeliveries(List.of(delivery(after))).pending().stream().findFirst();
    }

    /** The webhooks with these ids (live ones only), by id: one read. */
    public Map<String, Webhook> findWebhooks(Collection<String> ids) {
        Map<String, Webhook> found = new HashMap<>();
        if (!ids.isEmpty()) {
            webhooks.find(in("_id", List.copyOf(ids))).forEach(d -> found.put(d.getString("_id"), webhook(d)));
        }
        return found;
    }

    /**
     * How an attempt left a delivery: {@code DELIVERED} or {@code GIVEN_UP} (it leaves the outbox), or still
     * {@code PENDING}, due again at {@code nextAttemptAt}. {@code outbox} is its entry in the outbox; null: looked up
     * by a scan of the outbox (single outcomes of tests and tools, not the dispatcher's).
     */
    public record Outcome(String deliveryId, DeliveryState state, int attemptsMade, Instant at, Instant nextAttemptAt,
                          String error, PendingDelivery.OutboxSlot outbox) {
        public Outcome(String deliveryId, DeliveryState state, int attemptsMade, Instant at, Instant nextAttemptAt,
                       String error) {
            this(deliveryId, state, attemptsMade, at, nextAttemptAt, error, null);
        }
    }

    /**
     * Stores the outcomes of several attempts in two round trips: one bulk update of the deliveries, one bulk update
     * of the outbox documents they are listed in (by {@code _id}: the finished ones' entries removed, the others'
     * due times moved). A document left without entries is deleted by the next {@link #sweepOutbox}.
     */
    public void applyOutcomes(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        Map<String, Bson> updates = new LinkedHashMap<>();
        List<Outcome> unlocated = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.state() == DeliveryState.PENDING) {
                updates.put(o.deliveryId(), Updates.combine(
                        Updates.set("attempts", o.attemptsMade()),
                        Updates.set("nextAttemptAt", Date.from(o.nextAttemptAt())),
                        Updates.set("lastError", o.error())));
            } else {
                updates.put(o.deliveryId(), Updates.combine(
                        Updates.set("state", o.state().name()),
                        Updates.set("attempts", o.attemptsMade()), Updates.set("finishedAt", Date.from(o.at())),
                        Updates.set("nextAttemptAt", null), Updates.set("lastError", o.error())));
            }
            if (o.outbox() == null) {
                unlocated.add(o);
            }
        }
        Docs.updateAll(deliveries, updates, false);
        Map<String, List<PendingDelivery.OutboxSlot>> listed = new HashMap<>();
        if (!unlocated.isEmpty()) {
            outbox.find().forEach(doc -> {
                Document entries = doc.get(ENTRIES, Document.class);
                if (entries != null) {
                    entries.forEach((key, value) -> listed.computeIfAbsent(((Document) value).getString("id"),
                            k -> new ArrayList<>()).add(new PendingDelivery.OutboxSlot(doc.getString("_id"), key)));
                }
            });
        }
        Map<String, List<Bson>> byDocument = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            List<PendingDelivery.OutboxSlot> slots = o.outbox() != null ? List.of(o.outbox())
                    : listed.getOrDefault(o.deliveryId(), List.of());
            for (PendingDelivery.OutboxSlot slot : slots) {
                String field = ENTRIES + "." + slot.key();
                if (o.state() == DeliveryState.PENDING) {
                    byDocument.computeIfAbsent(slot.documentId(), k -> new ArrayList<>())
                            .add(Updates.set(field + ".dueAt", Date.from(o.nextAttemptAt())));
                } else {
                    byDocument.computeIfAbsent(slot.documentId(), k -> new ArrayList<>()).add(Updates.unset(field));
                }
            }
        }
        updateOutbox(byDocument);
    }

    /**
     * Removes these entries from the outbox (deliveries found not pending when they were to be sent: a spare entry
     * of a batch recorded again), by {@code _id}; a document left without entries goes at the next sweep.
     */
    public void removeFromOutbox(Collection<PendingDelivery.OutboxSlot> slots) {
        Map<String, List<Bson>> byDocument = new LinkedHashMap<>();
        slots.forEach(slot -> byDocument.computeIfAbsent(slot.documentId(), k -> new ArrayList<>())
                .add(Updates.unset(ENTRIES + "." + slot.key())));
        updateOutbox(byDocument);
    }

    private void updateOutbox(Map<String, List<Bson>> byDocument) {
        Map<String, Bson> writes = new LinkedHashMap<>();
        byDocument.forEach((id, changes) -> writes.put(id, Updates.combine(changes)));
        Docs.updateAll(outbox, writes, false);
    }

    // ---- attempts ----

    /** Appends an attempt to its webhook's log. */
    public void recordAttempt(DeliveryAttempt attempt) {
        recordAttempts(List.of(attempt));
    }

    /**
     * Appends attempts to their webhooks' logs, in the order given: per webhook one counter update (its
     * {@code attemptSeq} moved by its number of attempts, its {@code logSeq} by one) and one <b>log page</b>
     * ({@code _id} = {@code webhookId/L<logSeq>}) holding those attempts, numbered from {@code from}; the pages of
     * all webhooks in one insert. A webhook deleted meanwhile goes on with its kept copy's counters.
     */
    public void recordAttempts(List<DeliveryAttempt> batch) {
        Map<String, List<DeliveryAttempt>> byWebhook = new LinkedHashMap<>();
        batch.forEach(a -> byWebhook.computeIfAbsent(a.webhookId(), k -> new ArrayList<>()).add(a));
        List<Document> docs = new ArrayList<>();
        byWebhook.forEach((webhookId, ofOne) -> {
            long count = ofOne.size();
            Bson counters = Updates.combine(Updates.inc("attemptSeq", count), Updates.inc(LOG_SEQ, 1L));
            FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                    .projection(Projections.include("attemptSeq", LOG_SEQ));
            Document counter = webhooks.findOneAndUpdate(eq("_id", webhookId), counters, after);
            if (counter == null) { // the webhook was deleted meanwhile: its log goes on with the kept copy
                counter = deleted.findOneAndUpdate(eq("_id", webhookId), counters, after);
            }
            if (counter == null) {
                return;
            }
            long from = counter.get("attemptSeq", Number.class).longValue() - count + 1;
            long page = counter.get(LOG_SEQ, Number.class).longValue();
            docs.add(new Document("_id", pageId(webhookId, page)).append("webhookId", webhookId)
                    .append("from", from).append("attempts", ofOne.stream().map(NotificationStore::attemptEntry).toList()));
        });
        if (!docs.isEmpty()) {
            attempts.insertMany(docs, new InsertManyOptions().ordered(true));
        }
    }

    /** The counter of a webhook's log pages (absent on a webhook whose log has only single-attempt documents). */
    private static final String LOG_SEQ = "logSeq";

    private static String pageId(String webhookId, long page) {
        return webhookId + "/L" + page;
    }

    private static Document attemptEntry(DeliveryAttempt attempt) {
        return new Document("deliveryId", attempt.deliveryId())
                .append("number", attempt.number())
                .append("at", Date.from(attempt.at()))
                .append("statusCode", attempt.statusCode())
                .append("latencyMillis", attempt.latencyMillis())
                .append("error", attempt.error());
    }

    /**
     * The newest {@code limit} attempts of a webhook, newest first: its counters, then its newest {@code limit} log
     * pages ({@code $in} on ids; each holds at least one attempt); and only if those are all its pages and hold fewer
     * than {@code limit}, the single-attempt documents written before log pages ({@code _id} = {@code webhookId/<n>},
     * n counting the webhook's attempts), below the first page's numbers.
     */
    public List<DeliveryAttempt> attemptsOf(String webhookId, int limit) {
        Document doc = webhooks.find(eq("_id", webhookId)).first();
        if (doc == null) {
            doc = deleted.find(eq("_id", webhookId)).first();
        }
        if (doc == null) {
            return List.of();
        }
        long last = doc.get("attemptSeq", Number.class).longValue();
        long pages = doc.get(LOG_SEQ) == null ? 0 : doc.get(LOG_SEQ, Number.class).longValue();
        List<DeliveryAttempt> found = new ArrayList<>();
        long oldestRead = pages + 1;
        if (pages > 0) {
            List<String> ids = new ArrayList<>();
            for (long page = pages; page > 0 && ids.size() < limit; page--) {
                ids.add(pageId(webhookId, page));
            }
            oldestRead = pages - ids.size() + 1;
            Map<String, Document> byId = new HashMap<>();
            attempts.find(in("_id", ids)).forEach(d -> byId.put(d.getString("_id"), d));
            long below = last + 1;
            for (String id : ids) {
                Document page = byId.get(id);
                if (page == null) {
                    continue; // its counter moved, its insert failed: those numbers have no entries
                }
                List<Document> entries = page.getList("attempts", Document.class);
                for (int i = entries.size() - 1; i >= 0 && found.size() < limit; i--) {
                    found.add(attempt(entries.get(i), webhookId));
                }
                below = Math.min(below, page.get("from", Number.class).longValue());
            }
            last = below - 1;
        }
        if (found.size() < limit && oldestRead == 1) {
            List<String> ids = new ArrayList<>();
            for (long seq = last; seq > 0 && ids.size() < limit - found.size(); seq--) {
                ids.add(webhookId + "/" + seq);
            }
            Map<String, Document> byId = new HashMap<>();
            if (!ids.isEmpty()) {
                attempts.find(in("_id", ids)).forEach(d -> byId.put(d.getString("_id"), d));
            }
            ids.stream().map(byId::get).filter(Objects::nonNull).forEach(d -> found.add(attempt(d, webhookId)));
        }
        return List.copyOf(found);
    }

    private static DeliveryAttempt attempt(Document d, String webhookId) {
        return new DeliveryAttempt(d.getString("deliveryId"), webhookId, d.getInteger("number"),
                d.getDate("at").toInstant(), d.getInteger("statusCode"), d.get("latencyMillis", Number.class).longValue(),
                d.getString("error"));
    }

    // ---- mapping ----

    private static List<Document> secretsDoc(List<Webhook.VersionedSecret> secrets) {
        return secrets.stream().map(s -> new Document("secret", s.secret().encoded())
                .append("validUntil", s.validUntil() == null ? null : Date.from(s.validUntil()))).toList();
    }

    private static Webhook webhook(Document d) {
        List<Webhook.VersionedSecret> secrets = d.getList("secrets", Document.class).stream()
                .map(s -> new Webhook.VersionedSecret(WebhookSecret.parse(s.getString("secret")),
                        instant(s.getDate("validUntil")))).toList();
        return new Webhook(d.getString("_id"), Subscriber.parse(d.getString("owner")), URI.create(d.getString("url")),
                d.getList("events", String.class).stream().map(n -> NotificationType.fromWireName(n).orElseThrow())
                        .collect(Collectors.toSet()),
                secrets, d.getDate("createdAt").toInstant(), d.getString("disabledReason"));
    }

    private static Document deliveryDoc(Delivery d) {
        return new Document("_id", d.id())
                .append("eventId", d.eventId())
                .append("webhookId", d.webhookId())
                .append("owner", d.ownerKey())
                .append("type", d.type())
                .append("orderingKey", d.orderingKey())
                .append("position", d.position())
                .append("body", d.body())
                .append("state", d.state().name())
                .append("attempts", d.attempts())
                .append("createdAt", Date.from(d.createdAt()))
                .append("nextAttemptAt", d.nextAttemptAt() == null ? null : Date.from(d.nextAttemptAt()))
                .append("finishedAt", d.finishedAt() == null ? null : Date.from(d.finishedAt()))
                .append("lastError", d.lastError());
    }

    private static Delivery delivery(Document d) {
        return new Delivery(d.getString("_id"), d.getString("eventId"), d.getString("webhookId"),
                d.getString("owner"), d.getString("type"), d.getString("orderingKey"), d.getLong("position"),
                d.getString("body"), DeliveryState.valueOf(d.getString("state")), d.getInteger("attempts"),
                d.getDate("createdAt").toInstant(), instant(d.getDate("nextAttemptAt")),
                instant(d.getDate("finishedAt")), d.getString("lastError"));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
