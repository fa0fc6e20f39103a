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
import io.consentledger.query.notification.feed.NotificationBodies;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Webhooks and their deliveries in MongoDB, on the plain sync driver. Every read and write goes through {@code _id}
 * (by equality or {@code $in}; two-key filters are plain documents, not {@code $and}, so the embedded server
 * still serves them by {@code _id}); the scans are of {@code notification_outbox_open} (a marker per batch with a
 * pending delivery) and of the earlier {@code notification_outbox} (empty once what was pending at the upgrade to p10
 * has finished), never of the history.
 * <ul>
 *   <li>{@code notification_webhooks}: one per webhook, {@code _id} = webhook id; carries the attempt counter.</li>
 *   <li>{@code notification_webhooks_deleted}: a deleted webhook without its secrets, with {@code deletedAt}, so an
 *       auditor can still read its delivery log.</li>
 *   <li>{@code notification_webhook_owners}: one per subscriber, {@code _id} = {@code PROVIDER:bank-1}, the ids of
 *       its webhooks.</li>
 *   <li>{@code notification_deliveries}: one per (event, webhook), {@code _id} = {@code eventId/webhookId}; kept.
 *       Since p10 <b>written once and never updated</b>: the body and what identifies the delivery, and where its
 *       state is kept ({@code batch}, {@code slot}). Since p11 one recorded by the recorder leaves its body out and names
 *       instead ({@code src}) the {@code notification_bodies} document holding it ({@link NotificationBodies}: the
 *       bodies of a recorded batch, stored once for the feed entries and deliveries of its events); a document with
 *       a {@code body} (earlier ones, pings) is read as it is. Since p11 also without {@code eventId} and
 *       {@code webhookId}, read from the {@code _id}. One written before p10 has no {@code batch} and holds its own
 *       state ({@code state}, {@code attempts}, …), updated as before.</li>
 *   <li>{@code notification_delivery_batches} (p10): one per recorded batch (or ping, or re-recorded batch), a
 *       random {@code _id}, its entries in {@code d} by key ({@code k0}, {@code k1}, …): each delivery's id, webhook,
 *       lane, position and due time, and once it has an outcome its {@code state}, {@code attempts},
 *       {@code finishedAt} and {@code lastError} (no state: pending); a finished entry keeps only those four (what
 *       located the pending delivery is in its document). Kept: the deliveries' state records. An outcome
 *       batch updates each batch document it touches once ({@code $set} of its entries' fields, by {@code _id}).</li>
 *   <li>{@code notification_outbox_open} (p10): {@code _id} = a batch document's, a version {@code v}: the batches
 *       that may have a pending delivery, the dispatcher's recovery read. Written after its batch document; deleted
 *       by the sweep once it finds the batch without a pending entry (only if {@code v} is unchanged). Since p11 a
 *       recorded batch's document id is {@code <block>.<n>}, and one marker per <b>block</b> of batches
 *       ({@code _id} = the block's, {@code n}, {@code at}, later {@code sealed}) stands for them all: see
 *       {@link #BLOCK_SIZE}.</li>
 *   <li>{@code notification_outbox}: the earlier outbox (p6 to p9), one document per recorded batch, entries as
 *       above without state, removed when the delivery finishes; no longer written except for a legacy delivery
 *       (recorded before p10) that is recorded again or retried by hand.</li>
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
    private final MongoCollection<Document> batches;
    private final MongoCollection<Document> open;
    private final MongoCollection<Document> attempts;
    private final MongoCollection<Document> versions;
    private final NotificationBodies bodies;

    public NotificationStore(MongoDatabase database) {
        this.webhooks = database.getCollection("notification_webhooks");
        this.deleted = database.getCollection("notification_webhooks_deleted");
        this.owners = database.getCollection("notification_webhook_owners");
        this.deliveries = database.getCollection("notification_deliveries");
        this.outbox = database.getCollection("notification_outbox");
        this.batches = database.getCollection("notification_delivery_batches");
        this.open = database.getCollection("notification_outbox_open");
        this.attempts = database.getCollection("notification_attempts");
        this.versions = database.getCollection("notification_webhooks_version");
        this.bodies = new NotificationBodies(database);
        adoptEarlierOutbox();
    }

    /** The bodies, each stored once for its feed entries and deliveries, a document per batch (the recorder's). */
    NotificationBodies bodies() {
        return bodies;
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
        // again once the version moved: a version read between the two (which saw the old one) is older than this
        LAST_LOCAL_CHANGE.set(System.nanoTime());
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
     * whose batch document or outbox marker a crash left unwritten gets them. Returns whether it was new.
     */
    public boolean recordDelivery(Delivery delivery) {
        return recordDeliveries(List.of(delivery)).inserted() == 1;
    }

    /** What {@link #recordDeliveries} did: how many deliveries were new, and every one of them still pending. */
    public record Recorded(int inserted, List<PendingDelivery> pending) {
    }

    /** The delivery document's fields naming its batch document and its entry there (absent before p10). */
    private static final String BATCH = "batch";
    private static final String SLOT = "slot";
    /** An entry's (and a legacy delivery document's) state fields. */
    private static final String STATE = "state";
    private static final String ATTEMPTS = "attempts";
    private static final String DUE_AT = "dueAt";
    private static final String FINISHED_AT = "finishedAt";
    private static final String LAST_ERROR = "lastError";
    /** The open-batch marker's version: moved by every write that may make an entry of its batch pending again. */
    private static final String MARKER_VERSION = "v";

    /**
     * Records deliveries in bulk, idempotently, in three round trips whatever their number: one unordered insert of
     * the delivery documents (written once, never updated: the body and what identifies the delivery, and where its
     * state is kept), one insert of the call's <b>batch document</b> (an entry per delivery: its id, webhook, lane,
     * position and due time, and later its state), and one upsert of the batch's <b>open marker</b>, which the
     * dispatcher's recovery sweep reads instead of the batch documents' history. In that order, so that a batch
     * document always names stored deliveries and a marker always a stored batch document.
     * <p>
     * Deliveries that exist already (a batch handled again) fail the insert as duplicates and are then read ({@code $in}
     * on {@code _id}, then their batch documents): a crash between the writes above is repaired here (an entry missing
     * from its batch document is written there, under the key the delivery names; a pending one's batch gets its
     * marker again); a legacy delivery (one with its own state, recorded before p10) that is pending is listed in the
     * earlier outbox again, as before p10. Existing deliveries are otherwise left alone, whoever inserted them.
     *
     * @return how many were new, and every delivery of the call that is pending, as the outbox holds it (a new one
     *         carrying the delivery as stored, so that its first attempt needs no read)
     */
    public Recorded recordDeliveries(List<Delivery> batch) {
        return recordDeliveries(batch, null);
    }

    /**
     * As {@link #recordDeliveries(List)}; {@code bodies} not null: the deliveries' bodies are stored already, in that
     * {@link NotificationBodies} document (the recorder did), so their documents leave them out and name it (the
     * deliveries handed over still carry them, for their first attempts).
     */
    public Recorded recordDeliveries(List<Delivery> batch, String bodies) {
        Map<String, Delivery> byId = new LinkedHashMap<>();
        batch.forEach(d -> byId.putIfAbsent(d.id(), d));
        if (byId.isEmpty()) {
            return new Recorded(0, List.of());
        }
        BlockSlot block = nextBatch();
        String batchId = block.batchId();
        List<Delivery> all = List.copyOf(byId.values());
        Map<String, String> slotOf = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            slotOf.put(all.get(i).id(), "k" + i);
        }
        // one unordered insert of them all; those that exist already (a batch handled again) fail as duplicates,
        // and only then are they read
        Map<String, Document> existing = new HashMap<>();
        try {
            deliveries.insertMany(all.stream().map(d -> deliveryDoc(d, batchId, slotOf.get(d.id()), bodies)).toList(),
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
                    .projection(Projections.include("_id", "webhookId", "orderingKey", "position", "createdAt", STATE,
                            "nextAttemptAt", BATCH, SLOT))
                    .forEach(d -> existing.put(d.getString("_id"), withIds(d)));
            if (existing.size() != duplicates.size()) {
                throw e; // not a duplicate after all: let the caller's batch fail and be handled again
            }
        }
        Map<String, Document> existingBatches = batchDocuments(existing.values());
        int inserted = 0;
        Document entries = new Document();
        Document legacyEntries = new Document();
        String legacyOutboxId = UUID.randomUUID().toString();
        Map<String, List<Bson>> repairs = new LinkedHashMap<>();
        Set<String> openBatches = new LinkedHashSet<>();
        List<PendingDelivery> pending = new ArrayList<>();
        for (Delivery delivery : all) {
            Document stored = existing.get(delivery.id());
            if (stored == null) {
                inserted++;
                PendingDelivery.OutboxSlot slot = PendingDelivery.OutboxSlot.ofBatch(batchId, slotOf.get(delivery.id()));
                entries.append(slot.key(), entry(delivery));
                if (delivery.state() == DeliveryState.PENDING) {
                    pending.add(new PendingDelivery(delivery.id(), delivery.webhookId(), delivery.orderingKey(),
                            delivery.position(), delivery.nextAttemptAt(), delivery, slot));
                    openBatches.add(batchId);
                }
            } else if (stored.getString(STATE) != null) { // recorded before p10: its state is its own
                if (DeliveryState.PENDING.name().equals(stored.getString(STATE))) {
                    PendingDelivery.OutboxSlot slot = PendingDelivery.OutboxSlot.ofLegacyOutbox(legacyOutboxId,
                            "k" + legacyEntries.size());
                    PendingDelivery p = pendingOf(delivery.id(), stored, instant(stored.getDate("nextAttemptAt")), slot);
                    legacyEntries.append(slot.key(), outboxEntry(p));
                    pending.add(p);
                }
            } else {
                String ofBatch = stored.getString(BATCH);
                String key = stored.getString(SLOT);
                Document batchDoc = existingBatches.get(ofBatch);
                Document entry = batchDoc == null ? null : batchDoc.get(ENTRIES, Document.class).get(key, Document.class);
                if (entry == null) { // a crash between the delivery's insert and its batch document's
                    entry = entry(stored);
                    repairs.computeIfAbsent(ofBatch, k -> new ArrayList<>()).add(Updates.set(ENTRIES + "." + key, entry));
                }
                if (isPending(entry)) {
                    pending.add(pendingOf(delivery.id(), stored, entry.getDate(DUE_AT).toInstant(),
                            PendingDelivery.OutboxSlot.ofBatch(ofBatch, key)));
                    openBatches.add(ofBatch);
                }
            }
        }
        if (!repairs.isEmpty()) {
            Map<String, Bson> writes = new LinkedHashMap<>();
            repairs.forEach((id, sets) -> writes.put(id, Updates.combine(sets)));
            Docs.updateAll(batches, writes, true);
        }
        // after the deliveries, so that every entry names a stored delivery
        if (!entries.isEmpty()) {
            batches.insertOne(new Document("_id", batchId).append(ENTRIES, entries));
        }
        if (!legacyEntries.isEmpty()) {
            outbox.insertOne(new Document("_id", legacyOutboxId).append(ENTRIES, legacyEntries));
        }
        // after the batch documents, so that every marker names a stored one (a block's marker is written with
        // its first batch, and names the block's batches yet to come)
        if (!entries.isEmpty() && openBatches.remove(batchId)) {
            markOpen(openBatches, block);
        } else {
            markOpen(openBatches);
        }
        return new Recorded(inserted, List.copyOf(pending));
    }

    // ---- open blocks (p11) ----

    /**
     * Since p11 a recorded batch's document id is {@code <block>.<n>}: the n-th batch of a <b>block</b> of
     * {@value #BLOCK_SIZE} batches, and one open marker ({@code _id} = the block's id, {@code n} = its size, {@code at}
     * = when it was started) stands for all of them: written with the block's first batch (in the same bulk as any
     * other marker), not per batch. The recorder starts a new block once the block is full or
     * {@link #BLOCK_MAX_AGE} old, and then <b>seals</b> the one before ({@code sealed}, in the same bulk): no batch
     * will join it. The sweep deletes a block's marker once none of its batches has a pending entry and it is sealed,
     * or, left unsealed by a recorder that stopped, older than {@link #BLOCK_ABANDONED}. A marker written before p11
     * (no {@code n}) names one batch, as does one written since by a manual retry or a batch handled again.
     */
    static final int BLOCK_SIZE = 32;
    static final java.time.Duration BLOCK_MAX_AGE = java.time.Duration.ofSeconds(10);
    static final java.time.Duration BLOCK_ABANDONED = java.time.Duration.ofMinutes(10);
    private static final String BLOCK_SIZE_FIELD = "n";
    private static final String BLOCK_AT = "at";
    private static final String SEALED = "sealed";

    /** The block batch ids come from now, and how far it is used (guarded by {@code this}). */
    private String block;
    private int blockUsed;
    private long blockStartedAt;
    /** Whether the current block's marker is known to be stored. */
    private boolean blockMarked;
    /** A block to seal with the next marker write. */
    private String toSeal;

    /** A recorded batch's document id, and whether its block's marker (and a seal) is still to be written. */
    private record BlockSlot(String batchId, String block, boolean mark, String seal, long startedAt) {
    }

    private synchronized BlockSlot nextBatch() {
        long now = System.nanoTime();
        if (block == null || blockUsed >= BLOCK_SIZE || now - blockStartedAt > BLOCK_MAX_AGE.toNanos()) {
            if (block != null && blockMarked) {
                toSeal = block;
            }
            block = UUID.randomUUID().toString();
            blockUsed = 0;
            blockStartedAt = now;
            blockMarked = false;
        }
        return new BlockSlot(block + "." + blockUsed++, block, !blockMarked, toSeal, blockStartedAt);
    }

    private synchronized boolean isCurrentBlock(String id) {
        return id.equals(block);
    }

    private synchronized void blockMarked(BlockSlot slot) {
        if (slot.block().equals(block)) {
            blockMarked = true;
        }
        if (slot.seal() != null && slot.seal().equals(toSeal)) {
            toSeal = null;
        }
    }

    /**
     * Marks these batches open, and the block of a batch just recorded with a pending delivery: its marker, unless it
     * is known to be stored and the batch document was written while the block was young and still the current one
     * (otherwise it is written again, its version moved, so that a sweep that took the block for sealed or abandoned
     * meanwhile keeps or recreates it); and the block to seal. One bulk, as before.
     */
    private void markOpen(Collection<String> batchIds, BlockSlot slot) {
        // late: held up past the block's age, or the block was moved on (and maybe sealed) while this call wrote
        boolean late = System.nanoTime() - slot.startedAt() > BLOCK_MAX_AGE.toNanos() || !isCurrentBlock(slot.block());
        Map<String, Bson> writes = new LinkedHashMap<>();
        batchIds.forEach(id -> writes.put(id, Updates.inc(MARKER_VERSION, 1L)));
        if (slot.mark() || late) {
            writes.put(slot.block(), Updates.combine(Updates.inc(MARKER_VERSION, 1L),
                    Updates.set(BLOCK_SIZE_FIELD, BLOCK_SIZE), Updates.set(BLOCK_AT, new Date())));
        }
        if (slot.seal() != null && !slot.seal().equals(slot.block())) {
            writes.put(slot.seal(), Updates.combine(Updates.inc(MARKER_VERSION, 1L), Updates.set(SEALED, true)));
        }
        // a seal of a block whose marker the sweep deleted meanwhile recreates it, sealed: the next sweep deletes it
        Docs.updateAll(open, writes, true);
        blockMarked(slot);
    }

    /** The batch documents of these (post-p10) delivery documents, by id: one read, none if there are none. */
    private Map<String, Document> batchDocuments(Collection<Document> deliveryDocs) {
        List<String> ids = deliveryDocs.stream().filter(d -> d.getString(STATE) == null)
                .map(d -> d.getString(BATCH)).filter(Objects::nonNull).distinct().toList();
        Map<String, Document> found = new HashMap<>();
        if (!ids.isEmpty()) {
            batches.find(in("_id", ids)).forEach(d -> found.put(d.getString("_id"), d));
        }
        return found;
    }

    /** Marks these batches open (an upsert each, its version moved): the sweep reads them. */
    private void markOpen(Collection<String> batchIds) {
        if (batchIds.isEmpty()) {
            return;
        }
        Map<String, Bson> writes = new LinkedHashMap<>();
        batchIds.forEach(id -> writes.put(id, Updates.inc(MARKER_VERSION, 1L)));
        Docs.updateAll(open, writes, true);
    }

    private static final String ENTRIES = "d";

    /** An entry of the earlier outbox (pending only; its state is in the delivery's own document). */
    private static Document outboxEntry(PendingDelivery p) {
        return new Document("id", p.deliveryId()).append("webhookId", p.webhookId())
                .append("orderingKey", p.orderingKey()).append("position", p.position())
                .append(DUE_AT, Date.from(p.dueAt()));
    }

    /** A new delivery's entry in its batch document: pending (no state field) unless it says otherwise. */
    private static Document entry(Delivery d) {
        Document entry = new Document("id", d.id()).append("webhookId", d.webhookId())
                .append("orderingKey", d.orderingKey()).append("position", d.position())
                .append(DUE_AT, Date.from(d.nextAttemptAt() != null ? d.nextAttemptAt() : d.createdAt()));
        if (d.state() != DeliveryState.PENDING) {
            entry.append(STATE, d.state().name()).append(ATTEMPTS, d.attempts())
                    .append(FINISHED_AT, d.finishedAt() == null ? null : Date.from(d.finishedAt()))
                    .append(LAST_ERROR, d.lastError());
        }
        return entry;
    }

    /** The entry of a stored (post-p10) delivery whose batch document lacks it: pending, due when it was created. */
    private static Document entry(Document delivery) {
        return new Document("id", delivery.getString("_id")).append("webhookId", delivery.getString("webhookId"))
                .append("orderingKey", delivery.getString("orderingKey"))
                .append("position", delivery.get("position", Number.class).longValue())
                .append(DUE_AT, delivery.getDate("createdAt"));
    }

    private static boolean isPending(Document entry) {
        String state = entry.getString(STATE);
        return state == null || DeliveryState.PENDING.name().equals(state);
    }

    public Optional<Delivery> findDelivery(String id) {
        return findDeliveries(List.of(id)).stream().findFirst();
    }

    /**
     * These deliveries, with their states: one read of the delivery documents ({@code $in} on {@code _id}) and, for
     * those recorded since p10, one of their batch documents (the entries hold the states), and for those recorded
     * since p11 without their bodies, one of the bodies' documents they name ({@code $in} on {@code _id}). A legacy delivery carries its own
     * state. A delivery whose batch document a crash left unwritten is pending, due since it was created.
     */
    public List<Delivery> findDeliveries(Collection<String> ids) {
        List<Document> docs = new ArrayList<>();
        deliveries.find(in("_id", List.copyOf(ids))).forEach(d -> docs.add(withIds(d)));
        Map<String, Document> batchDocs = batchDocuments(docs);
        Map<String, String> stored = bodies.find(docs.stream().filter(d -> !d.containsKey(BODY))
                .map(d -> d.getString(SOURCE)).filter(Objects::nonNull).distinct().toList());
        docs.forEach(d -> {
            if (!d.containsKey(BODY)) {
                d.put(BODY, stored.get(d.getString("eventId")));
            }
        });
        List<Delivery> found = new ArrayList<>();
        for (Document d : docs) {
            if (d.getString(STATE) != null) {
                found.add(legacyDelivery(d));
                continue;
            }
            Document batchDoc = batchDocs.get(d.getString(BATCH));
            Document entry = batchDoc == null ? null : batchDoc.get(ENTRIES, Document.class).get(d.getString(SLOT),
                    Document.class);
            found.add(delivery(d, entry != null ? entry : entry(d)));
        }
        return found;
    }

    /**
     * The backlog: every pending delivery. The dispatcher's recovery copy: read when it starts dispatching and on its
     * slow sweep, never per delivery; it reads the open markers, the batch documents they name ({@code $in} on
     * {@code _id}), and the earlier outbox (a scan; empty once what was pending at the upgrade has finished). A
     * delivery listed twice (a legacy delivery's batch recorded again after a crash) is returned once, with its
     * latest due time.
     */
    public List<PendingDelivery> pending() {
        return scan(false);
    }

    /**
     * The dispatcher's sweep: {@link #pending()}, and the markers of batches found without a pending entry deleted
     * (each only if its version is still the one read, so that a manual retry that reopened the batch meanwhile
     * keeps it), as are the earlier outbox's documents found without entries.
     */
    public List<PendingDelivery> sweepOutbox() {
        return scan(true);
    }

    private List<PendingDelivery> scan(boolean sweep) {
        List<String> empty = sweep ? new ArrayList<>() : null;
        Map<String, PendingDelivery> all = new LinkedHashMap<>();
        scanLegacyOutbox(empty).forEach(p -> all.merge(p.deliveryId(), p, NotificationStore::later));
        Map<String, Object> markers = new LinkedHashMap<>();
        // the batch documents the markers name (a block's marker names its batches: p11), and which markers name each
        Map<String, List<String>> markersOf = new LinkedHashMap<>();
        Set<String> young = new LinkedHashSet<>(); // unsealed blocks not abandoned: batches may still join them
        long abandonedBefore = System.currentTimeMillis() - BLOCK_ABANDONED.toMillis();
        open.find().forEach(m -> {
            String id = m.getString("_id");
            markers.put(id, m.get(MARKER_VERSION));
            Number size = m.get(BLOCK_SIZE_FIELD, Number.class);
            if (size == null) {
                markersOf.computeIfAbsent(id, k -> new ArrayList<>()).add(id);
                return;
            }
            for (int i = 0; i < size.intValue(); i++) {
                markersOf.computeIfAbsent(id + "." + i, k -> new ArrayList<>()).add(id);
            }
            Date at = m.getDate(BLOCK_AT);
            if (!Boolean.TRUE.equals(m.getBoolean(SEALED)) && at != null && at.getTime() >= abandonedBefore) {
                young.add(id);
            }
        });
        Map<String, Object> closed = new LinkedHashMap<>(markers);
        young.forEach(closed::remove);
        if (!markers.isEmpty()) {
            batches.find(in("_id", List.copyOf(markersOf.keySet()))).forEach(doc -> {
                String id = doc.getString("_id");
                Document entries = doc.get(ENTRIES, Document.class);
                if (entries == null) {
                    return;
                }
                entries.forEach((key, value) -> {
                    Document e = (Document) value;
                    if (e.getString("id") == null || e.getDate(DUE_AT) == null || !isPending(e)) {
                        return;
                    }
                    markersOf.getOrDefault(id, List.of()).forEach(closed::remove);
                    PendingDelivery p = pendingOf(e.getString("id"), e, e.getDate(DUE_AT).toInstant(),
                            PendingDelivery.OutboxSlot.ofBatch(id, key));
                    all.merge(p.deliveryId(), p, NotificationStore::later);
                });
            });
        }
        if (sweep) {
            if (!empty.isEmpty()) {
                outbox.deleteMany(new Document("_id", new Document("$in", empty)).append(ENTRIES, new Document()));
            }
            if (!closed.isEmpty()) {
                Docs.deleteEach(open, closed.entrySet().stream().map(m ->
                        new Document("_id", m.getKey()).append(MARKER_VERSION, m.getValue())).toList());
            }
        }
        return List.copyOf(all.values());
    }

    private static PendingDelivery later(PendingDelivery a, PendingDelivery b) {
        return b.dueAt().isAfter(a.dueAt()) ? b : a;
    }

    /** The earlier outbox's pending entries (legacy slots); its documents without entries are added to {@code empty}. */
    private List<PendingDelivery> scanLegacyOutbox(List<String> empty) {
        List<PendingDelivery> all = new ArrayList<>();
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
                if (e.getString("id") == null || e.getDate(DUE_AT) == null) {
                    return; // not an entry a recorder wrote
                }
                all.add(pendingOf(e.getString("id"), e, e.getDate(DUE_AT).toInstant(),
                        PendingDelivery.OutboxSlot.ofLegacyOutbox(doc.getString("_id"), key)));
            });
        });
        return all;
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
     * <p>
     * Since p10: its batch is marked open, its entry set back to pending if it is given up (a conditional update of
     * the batch document, by {@code _id}), and its marker's version moved once more, so that a sweep that read the
     * batch before the entry changed does not delete the marker (a crash between the writes leaves at worst a spare
     * marker). A legacy delivery is put back as before p10: its own document, then an entry of the earlier outbox.
     */
    public Optional<PendingDelivery> retry(String id, Instant now) {
        Document doc = withIds(deliveries.find(eq("_id", id)).first());
        if (doc == null) {
            return Optional.empty();
        }
        if (doc.getString(STATE) != null) {
            Document after = deliveries.findOneAndUpdate(new Document("_id", id).append(STATE, DeliveryState.GIVEN_UP.name()),
                    Updates.combine(Updates.set(STATE, DeliveryState.PENDING.name()), Updates.set(ATTEMPTS, 0),
                            Updates.set("nextAttemptAt", Date.from(now)), Updates.set(FINISHED_AT, null)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (after == null) {
                return Optional.empty();
            }
            String outboxId = UUID.randomUUID().toString();
            PendingDelivery p = pendingOf(id, after, now, PendingDelivery.OutboxSlot.ofLegacyOutbox(outboxId, "k0"));
            outbox.insertOne(new Document("_id", outboxId).append(ENTRIES, new Document("k0", outboxEntry(p))));
            return Optional.of(p);
        }
        String batchId = doc.getString(BATCH);
        String key = doc.getString(SLOT);
        String field = ENTRIES + "." + key + ".";
        markOpen(List.of(batchId));
        Document entry = entry(doc).append(DUE_AT, Date.from(now)).append(STATE, DeliveryState.PENDING.name())
                .append(ATTEMPTS, 0);
        long changed = batches.updateOne(new Document("_id", batchId).append(field + STATE, DeliveryState.GIVEN_UP.name()),
                Updates.set(ENTRIES + "." + key, entry)).getModifiedCount();
        if (changed == 0) {
            return Optional.empty(); // a spare marker, if the batch has no pending entry: the sweep deletes it
        }
        markOpen(List.of(batchId));
        return Optional.of(pendingOf(id, doc, now, PendingDelivery.OutboxSlot.ofBatch(batchId, key)));
    }

    /**
     * A pending delivery kept at {@code slot}, its webhook, lane and position read from {@code d}: a delivery's
     * document or an entry of a batch document or of the earlier outbox (the same field names).
     */
    private static PendingDelivery pendingOf(String id, Document d, Instant dueAt, PendingDelivery.OutboxSlot slot) {
        return new PendingDelivery(id, d.getString("webhookId"), d.getString("orderingKey"),
                d.get("position", Number.class).longValue(), dueAt, null, slot);
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
     * How an attempt left a delivery: {@code DELIVERED} or {@code GIVEN_UP} (finished), or still {@code PENDING}, due
     * again at {@code nextAttemptAt}. {@code outbox} is where its state is kept (see {@link PendingDelivery}); null:
     * looked up from the delivery's document (single outcomes of tests and tools, not the dispatcher's).
     */
    public record Outcome(String deliveryId, DeliveryState state, int attemptsMade, Instant at, Instant nextAttemptAt,
                          String error, PendingDelivery.OutboxSlot outbox) {
        public Outcome(String deliveryId, DeliveryState state, int attemptsMade, Instant at, Instant nextAttemptAt,
                       String error) {
            this(deliveryId, state, attemptsMade, at, nextAttemptAt, error, null);
        }
    }

    /**
     * Stores the outcomes of several attempts: <b>one bulk update of the batch documents</b> they are kept in (by
     * {@code _id}; each outcome sets its entry's state, attempts, finish time and last error, or its next due time),
     * whatever their number, and nothing per delivery. A delivery recorded before p10 is stored as then: its own
     * document updated, its entry of the earlier outbox removed (or its due time moved).
     */
    public void applyOutcomes(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<Outcome> unlocated = outcomes.stream().filter(o -> o.outbox() == null).toList();
        Map<String, PendingDelivery.OutboxSlot> located = new HashMap<>();
        Set<String> legacyUnlocated = new LinkedHashSet<>();
        if (!unlocated.isEmpty()) {
            deliveries.find(in("_id", unlocated.stream().map(Outcome::deliveryId).distinct().toList()))
                    .projection(Projections.include("_id", STATE, BATCH, SLOT)).forEach(d -> {
                        if (d.getString(STATE) != null) {
                            legacyUnlocated.add(d.getString("_id"));
                        } else {
                            located.put(d.getString("_id"), PendingDelivery.OutboxSlot.ofBatch(d.getString(BATCH),
                                    d.getString(SLOT)));
                        }
                    });
        }
        Map<String, List<PendingDelivery.OutboxSlot>> listed = new HashMap<>();
        if (!legacyUnlocated.isEmpty()) {
            scanLegacyOutbox(null).forEach(p -> listed.computeIfAbsent(p.deliveryId(), k -> new ArrayList<>())
                    .add(p.outbox()));
        }
        Map<String, Bson> legacyDeliveries = new LinkedHashMap<>();
        Map<String, List<Bson>> legacyOutbox = new LinkedHashMap<>();
        // per batch document, per entry (the last outcome of a delivery wins: one statement per entry); the fields
        // set, as one plain {$set: {...}} per batch document (p11: not a combination of single $set updates, which
        // the driver encodes one by one)
        Map<String, Map<String, Document>> byBatch = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            PendingDelivery.OutboxSlot slot = o.outbox() != null ? o.outbox() : located.get(o.deliveryId());
            boolean legacy = slot != null ? slot.legacy() : legacyUnlocated.contains(o.deliveryId());
            if (!legacy) {
                if (slot == null) {
                    continue; // no such delivery
                }
                String field = ENTRIES + "." + slot.key() + ".";
                Document sets = new Document();
                byBatch.computeIfAbsent(slot.documentId(), k -> new LinkedHashMap<>()).put(slot.key(), sets);
                if (o.state() == DeliveryState.PENDING) {
                    sets.append(field + ATTEMPTS, o.attemptsMade());
                    sets.append(field + DUE_AT, Date.from(o.nextAttemptAt()));
                    sets.append(field + LAST_ERROR, o.error());
                } else {
                    // finished: the entry is replaced by its state alone (one statement per entry); what located
                    // the pending delivery goes (the delivery's document has it), so that the kept batch document,
                    // and each later update of it, stays small
                    Document finished = new Document(STATE, o.state().name()).append(ATTEMPTS, o.attemptsMade())
                            .append(FINISHED_AT, Date.from(o.at()));
                    if (o.error() != null) {
                        finished.append(LAST_ERROR, o.error());
                    }
                    sets.append(ENTRIES + "." + slot.key(), finished);
                }
                continue;
            }
            if (o.state() == DeliveryState.PENDING) {
                legacyDeliveries.put(o.deliveryId(), Updates.combine(
                        Updates.set(ATTEMPTS, o.attemptsMade()),
                        Updates.set("nextAttemptAt", Date.from(o.nextAttemptAt())),
                        Updates.set(LAST_ERROR, o.error())));
            } else {
                legacyDeliveries.put(o.deliveryId(), Updates.combine(
                        Updates.set(STATE, o.state().name()),
                        Updates.set(ATTEMPTS, o.attemptsMade()), Updates.set(FINISHED_AT, Date.from(o.at())),
                        Updates.set("nextAttemptAt", null), Updates.set(LAST_ERROR, o.error())));
            }
            List<PendingDelivery.OutboxSlot> slots = slot != null ? List.of(slot)
                    : listed.getOrDefault(o.deliveryId(), List.of());
            for (PendingDelivery.OutboxSlot s : slots) {
                String field = ENTRIES + "." + s.key();
                legacyOutbox.computeIfAbsent(s.documentId(), k -> new ArrayList<>()).add(
                        o.state() == DeliveryState.PENDING ? Updates.set(field + "." + DUE_AT, Date.from(o.nextAttemptAt()))
                                : Updates.unset(field));
            }
        }
        if (!byBatch.isEmpty()) {
            Map<String, Bson> writes = new LinkedHashMap<>();
            byBatch.forEach((id, ofEntries) -> {
                Document set = new Document();
                ofEntries.values().forEach(set::putAll);
                writes.put(id, new Document("$set", set));
            });
            Docs.updateAll(batches, writes, false);
        }
        Docs.updateAll(deliveries, legacyDeliveries, false);
        updateOutbox(legacyOutbox);
    }

    /**
     * Removes these entries from the earlier outbox (legacy deliveries found not pending when they were to be sent: a
     * spare entry of a batch recorded again), by {@code _id}; a document left without entries goes at the next sweep.
     * An entry of a batch document is the delivery's state record: kept.
     */
    public void removeFromOutbox(Collection<PendingDelivery.OutboxSlot> slots) {
        Map<String, List<Bson>> byDocument = new LinkedHashMap<>();
        slots.stream().filter(PendingDelivery.OutboxSlot::legacy).forEach(slot -> byDocument.computeIfAbsent(
                slot.documentId(), k -> new ArrayList<>()).add(Updates.unset(ENTRIES + "." + slot.key())));
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

    /**
     * A delivery's document since p10: written once, never updated; its state is in its batch document's entry.
     * Since p11 without {@code eventId} and {@code webhookId} when its {@code _id} is made of them (always, but for a
     * caller's odd ids): {@link #withIds} reads them from there.
     */
    private static Document deliveryDoc(Delivery d, String batchId, String slot, String bodies) {
        Document doc = new Document("_id", d.id());
        if (!d.id().equals(Delivery.idOf(d.eventId(), d.webhookId())) || d.webhookId().contains("/")) {
            doc.append("eventId", d.eventId()).append("webhookId", d.webhookId());
        }
        doc.append("owner", d.ownerKey())
                .append("type", d.type())
                .append("orderingKey", d.orderingKey())
                .append("position", d.position());
        if (bodies == null) {
            doc.append(BODY, d.body());
        } else { // since p11 the recorder's deliveries leave it out: it is in that NotificationBodies document
            doc.append(SOURCE, bodies);
        }
        return doc.append("createdAt", Date.from(d.createdAt()))
                .append(BATCH, batchId)
                .append(SLOT, slot);
    }

    /**
     * A delivery document as read, with its {@code eventId} and {@code webhookId}: those written since p11 leave them
     * out, their {@code _id} being {@code eventId/webhookId} (a webhook id has no {@code /}). Null stays null.
     */
    private static Document withIds(Document d) {
        if (d != null && d.getString("webhookId") == null) {
            String id = d.getString("_id");
            int slash = id.lastIndexOf('/');
            d.put("eventId", id.substring(0, slash));
            d.put("webhookId", id.substring(slash + 1));
        }
        return d;
    }

    /** A delivery document's body; absent since p11 from those whose body is in {@link NotificationBodies}. */
    private static final String BODY = "body";
    /** Since p11, instead of {@code body}: the {@link NotificationBodies} document holding it. */
    private static final String SOURCE = "src";

    /** A delivery recorded since p10, with the state its batch document's entry holds. */
    private static Delivery delivery(Document d, Document entry) {
        DeliveryState state = isPending(entry) ? DeliveryState.PENDING : DeliveryState.valueOf(entry.getString(STATE));
        Number attempts = entry.get(ATTEMPTS, Number.class);
        return new Delivery(d.getString("_id"), d.getString("eventId"), d.getString("webhookId"),
                d.getString("owner"), d.getString("type"), d.getString("orderingKey"),
                d.get("position", Number.class).longValue(), d.getString("body"), state,
                attempts == null ? 0 : attempts.intValue(), d.getDate("createdAt").toInstant(),
                state == DeliveryState.PENDING ? instant(entry.getDate(DUE_AT)) : null,
                instant(entry.getDate(FINISHED_AT)), entry.getString(LAST_ERROR));
    }

    /** A delivery recorded before p10: its document holds its state. */
    private static Delivery legacyDelivery(Document d) {
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
