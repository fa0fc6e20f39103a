package io.consentledger.query.notification.delivery;

import com.mongodb.client.MongoCollection;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * How deliveries are stored since p10: the delivery document written once and never updated, its state in its
 * batch document's entry, an open marker per batch for the recovery sweep; the crash windows between those writes;
 * and the documents an earlier version left (deliveries with their own state, the earlier outbox), read and finished
 * as before.
 */
class DeliveryStorageTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");

    private TestStores stores;
    private NotificationStore store;
    private NotificationRecorder recorder;
    private final List<PendingDelivery> handedOver = new ArrayList<>();
    private WebhookService service;
    private final MutableClock clock = new MutableClock(T0);
    private String hook;
    private MongoCollection<Document> deliveries;
    private MongoCollection<Document> batches;
    private MongoCollection<Document> open;
    private MongoCollection<Document> outbox;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        store = new NotificationStore(stores.database());
        recorder = new NotificationRecorder(store, null, clock, handedOver::addAll);
        HostResolver dns = host -> new InetAddress[]{InetAddress.getByName("93.184.216.34")};
        service = new WebhookService(store, recorder, new WebhookUrlPolicy(false, dns), new SecureRandom(), clock);
        hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked")).webhookId();
        deliveries = stores.database().getCollection("notification_deliveries");
        batches = stores.database().getCollection("notification_delivery_batches");
        open = stores.database().getCollection("notification_outbox_open");
        outbox = stores.database().getCollection("notification_outbox");
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private static List<AddressedNotification> revocations(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> NotificationMapper.map(
                new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                        RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0), "ev-" + i, i).orElseThrow())
                .toList();
    }

    private String id(int event) {
        return "ev-" + event + "/" + hook;
    }

    /** What the recorder does when it moves on to a new block (p11): the blocks' markers sealed. */
    private void sealBlocks() {
        open.updateMany(new Document("n", new Document("$exists", true)), new Document("$set",
                new Document("sealed", true)));
    }

    private Document deliveryDoc(int event) {
        return deliveries.find(new Document("_id", id(event))).first();
    }

    @Test
    void aDeliveryDocumentIsWrittenOnceAndItsStateIsKeptInItsBatchDocument() {
        recorder.recordAll(revocations(1, 3));
        Document before = deliveryDoc(1);
        // since p11 its body is in the batch's notification_bodies document, which it names (src)
        assertThat(before).doesNotContainKeys("state", "attempts", "nextAttemptAt", "finishedAt", "lastError", "body")
                .containsKeys("src", "batch", "slot");
        assertThat(batches.countDocuments()).isEqualTo(1);
        assertThat(open.countDocuments()).isEqualTo(1);
        assertThat(outbox.countDocuments()).isZero();

        store.markDelivered(id(1), 1, T0.plusSeconds(1));
        store.reschedule(id(2), 1, T0.plusSeconds(60), "http-500");
        store.giveUp(id(3), 8, T0.plusSeconds(2), "timeout");

        assertThat(deliveryDoc(1)).isEqualTo(before); // never updated
        Document entries = batches.find().first().get("d", Document.class);
        // a finished entry keeps its state only (the kept batch document stays small); a pending one what locates it
        assertThat(entries.get(before.getString("slot"), Document.class).keySet())
                .containsExactlyInAnyOrder("state", "attempts", "finishedAt");
        assertThat(entries.get(deliveryDoc(3).getString("slot"), Document.class).keySet())
                .containsExactlyInAnyOrder("state", "attempts", "finishedAt", "lastError");
        assertThat(entries.get(deliveryDoc(2).getString("slot"), Document.class).keySet())
                .contains("id", "webhookId", "orderingKey", "position", "dueAt", "attempts", "lastError")
                .doesNotContain("state");
        assertThat(store.findDeliveries(List.of(id(1), id(2), id(3))))
                .extracting(Delivery::id, Delivery::state, Delivery::attempts, Delivery::nextAttemptAt,
                        Delivery::finishedAt, Delivery::lastError)
                .containsExactlyInAnyOrder(
                        tuple(id(1), DeliveryState.DELIVERED, 1, null, T0.plusSeconds(1), null),
                        tuple(id(2), DeliveryState.PENDING, 1, T0.plusSeconds(60), null, "http-500"),
                        tuple(id(3), DeliveryState.GIVEN_UP, 8, null, T0.plusSeconds(2), "timeout"));
        assertThat(store.findDelivery(id(1)).orElseThrow().body()).contains("\"type\":\"consent.revoked\"");
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId, PendingDelivery::dueAt)
                .containsExactly(tuple(id(2), T0.plusSeconds(60)));
    }

    @Test
    void theSweepDeletesTheMarkerOfAFinishedBatchAndKeepsItsBatchDocument() {
        recorder.recordAll(revocations(1, 2));
        recorder.recordAll(revocations(3, 1));
        store.markDelivered(id(1), 1, T0);
        store.markDelivered(id(2), 1, T0);

        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactly(id(3));

        assertThat(open.countDocuments()).isEqualTo(1);
        assertThat(batches.countDocuments()).isEqualTo(2);
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aBatchHandledAgainWritesNothingAndHandsOverWhatIsStillPending() {
        recorder.recordAll(revocations(1, 3));
        store.markDelivered(id(1), 1, T0);
        Document batch = batches.find().first();
        handedOver.clear();

        assertThat(recorder.recordAll(revocations(1, 3))).isZero();

        assertThat(handedOver).extracting(PendingDelivery::deliveryId).containsExactly(id(2), id(3));
        assertThat(handedOver).extracting(p -> p.outbox().documentId()).containsOnly(batch.getString("_id"));
        assertThat(batches.find().into(new ArrayList<>())).containsExactly(batch);
        // the block's marker, and the batch's own (since p11: the block may have been sealed meanwhile)
        assertThat(open.countDocuments()).isEqualTo(2);
        assertThat(outbox.countDocuments()).isZero();
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aCrashAfterTheDeliveriesBeforeTheirBatchDocumentLeavesThemPendingAndTheBatchHandledAgainWritesIt() {
        recorder.recordAll(revocations(1, 2));
        Document delivery = deliveryDoc(1);
        batches.deleteMany(new Document()); // the crash: neither the batch document nor its marker was written
        open.deleteMany(new Document());

        assertThat(store.findDelivery(id(1)).orElseThrow()).extracting(Delivery::state, Delivery::attempts,
                Delivery::nextAttemptAt).containsExactly(DeliveryState.PENDING, 0, T0);
        handedOver.clear();

        assertThat(recorder.recordAll(revocations(1, 2))).isZero();

        assertThat(handedOver).extracting(PendingDelivery::deliveryId).containsExactly(id(1), id(2));
        Document repaired = batches.find(new Document("_id", delivery.getString("batch"))).first();
        assertThat(repaired.get("d", Document.class).get(delivery.getString("slot"), Document.class).getString("id"))
                .isEqualTo(id(1));
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(2));
        store.markDelivered(id(1), 1, T0);
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(deliveryDoc(1)).isEqualTo(delivery);
    }

    @Test
    void anEntryMissingFromItsBatchDocumentIsWrittenWhenTheBatchIsHandledAgain() {
        recorder.recordAll(revocations(1, 2));
        Document delivery = deliveryDoc(2);
        batches.updateOne(new Document("_id", delivery.getString("batch")),
                new Document("$unset", new Document("d." + delivery.getString("slot"), "")));
        store.markDelivered(id(1), 1, T0);

        recorder.recordAll(revocations(1, 2));

        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id(2));
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(batches.countDocuments()).isEqualTo(1);
    }

    @Test
    void aCrashAfterTheBatchDocumentBeforeItsMarkerIsRepairedWhenTheBatchIsHandledAgain() {
        recorder.recordAll(revocations(1, 2));
        open.deleteMany(new Document()); // the crash: the marker was not written
        assertThat(store.pending()).isEmpty(); // the sweep does not see it; the batch's token has not moved

        recorder.recordAll(revocations(1, 2));

        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(2));
        assertThat(batches.countDocuments()).isEqualTo(1);
    }

    @Test
    void aGivenUpDeliveryRetriedByHandIsPendingAgainInItsBatchAndItsBatchIsOpenAgain() {
        recorder.recordAll(revocations(1, 1));
        store.giveUp(id(1), 8, T0, "http-500");
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isEqualTo(1); // the block's (p11): unsealed, young, batches may join it
        sealBlocks();
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isZero();
        Document delivery = deliveryDoc(1);

        assertThat(service.retry(MESSENGER, hook, id(1))).isTrue();
        assertThat(service.retry(MESSENGER, hook, id(1))).isFalse(); // pending now

        assertThat(store.findDelivery(id(1)).orElseThrow()).extracting(Delivery::state, Delivery::attempts,
                Delivery::finishedAt).containsExactly(DeliveryState.PENDING, 0, null);
        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactly(id(1));
        assertThat(open.countDocuments()).isEqualTo(1);
        store.markDelivered(id(1), 1, T0.plusSeconds(5));
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isZero();
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(deliveryDoc(1)).isEqualTo(delivery);
    }

    @Test
    void aPingIsStoredLikeAnyDelivery() {
        String pingId = service.sendTest(MESSENGER, hook).orElseThrow();

        assertThat(handedOver).extracting(PendingDelivery::deliveryId).containsExactly(pingId);
        assertThat(store.findDelivery(pingId).orElseThrow().type()).isEqualTo("webhook.ping");
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly(pingId);
    }

    // ---- documents written before p10 ----

    /** A delivery document as the versions before p10 wrote it: its state its own. */
    private Document legacyDelivery(int event, DeliveryState state, int attempts) {
        return new Document("_id", id(event)).append("eventId", "ev-" + event).append("webhookId", hook)
                .append("owner", MESSENGER.key()).append("type", "consent.revoked")
                .append("orderingKey", "consent:c-" + event).append("position", (long) event)
                .append("body", "{\"type\":\"consent.revoked\",\"n\":" + event + "}")
                .append("state", state.name()).append("attempts", attempts).append("createdAt", Date.from(T0))
                .append("nextAttemptAt", state == DeliveryState.PENDING ? Date.from(T0) : null)
                .append("finishedAt", state == DeliveryState.PENDING ? null : Date.from(T0))
                .append("lastError", null);
    }

    private static Document legacyEntry(String id, String hook, int event) {
        return new Document("id", id).append("webhookId", hook).append("orderingKey", "consent:c-" + event)
                .append("position", (long) event).append("dueAt", Date.from(T0));
    }

    @Test
    void deliveriesAndTheOutboxAnEarlierVersionLeftAreReadAndFinishedAsBefore() {
        deliveries.insertMany(List.of(legacyDelivery(1, DeliveryState.PENDING, 0),
                legacyDelivery(2, DeliveryState.PENDING, 2), legacyDelivery(3, DeliveryState.DELIVERED, 1)));
        outbox.insertOne(new Document("_id", "old-batch").append("d", new Document("k0", legacyEntry(id(1), hook, 1))
                .append("k1", legacyEntry(id(2), hook, 2))));
        NotificationStore upgraded = new NotificationStore(stores.database());

        List<PendingDelivery> pending = upgraded.sweepOutbox();
        assertThat(pending).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(2));
        assertThat(pending).allMatch(p -> p.outbox().legacy());
        assertThat(upgraded.findDelivery(id(3)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(upgraded.findDelivery(id(2)).orElseThrow().attempts()).isEqualTo(2);

        // as the dispatcher stores outcomes: with the slots the sweep handed out
        PendingDelivery first = pending.stream().filter(p -> p.deliveryId().equals(id(1))).findFirst().orElseThrow();
        PendingDelivery second = pending.stream().filter(p -> p.deliveryId().equals(id(2))).findFirst().orElseThrow();
        upgraded.applyOutcomes(List.of(
                new NotificationStore.Outcome(id(1), DeliveryState.DELIVERED, 1, T0.plusSeconds(1), null, null,
                        first.outbox()),
                new NotificationStore.Outcome(id(2), DeliveryState.PENDING, 3, T0.plusSeconds(1), T0.plusSeconds(90),
                        "http-503", second.outbox())));

        assertThat(deliveryDoc(1).getString("state")).isEqualTo("DELIVERED");
        assertThat(upgraded.findDelivery(id(2)).orElseThrow()).extracting(Delivery::state, Delivery::attempts,
                Delivery::nextAttemptAt).containsExactly(DeliveryState.PENDING, 3, T0.plusSeconds(90));
        assertThat(upgraded.pending()).extracting(PendingDelivery::deliveryId, PendingDelivery::dueAt)
                .containsExactly(tuple(id(2), T0.plusSeconds(90)));
        upgraded.giveUp(id(2), 8, T0.plusSeconds(100), "http-503"); // a tool's outcome: located by the scan
        assertThat(upgraded.sweepOutbox()).isEmpty();
        assertThat(outbox.countDocuments()).isZero(); // the emptied document deleted by the sweep
        assertThat(batches.countDocuments()).isZero();

        // a legacy delivery retried by hand is put back as before: its own state, an entry of the earlier outbox
        assertThat(service.retry(MESSENGER, hook, id(2))).isTrue();
        assertThat(deliveryDoc(2).getString("state")).isEqualTo("PENDING");
        assertThat(upgraded.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id(2));
        upgraded.markDelivered(id(2), 1, T0.plusSeconds(200));
        assertThat(upgraded.findDelivery(id(2)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(upgraded.pending()).isEmpty();
    }

    @Test
    void aLegacyPendingDeliveryRecordedAgainIsListedInTheEarlierOutboxAgain() {
        deliveries.insertOne(legacyDelivery(1, DeliveryState.PENDING, 0)); // its outbox entry lost to a crash
        deliveries.insertOne(legacyDelivery(2, DeliveryState.DELIVERED, 1));
        handedOver.clear();

        assertThat(recorder.recordAll(revocations(1, 3))).isEqualTo(1); // ev-3 is new

        assertThat(handedOver).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(3));
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId, p -> p.outbox().legacy())
                .containsExactlyInAnyOrder(tuple(id(1), true), tuple(id(3), false));
        store.markDelivered(id(1), 1, T0);
        assertThat(store.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id(3));
    }

    @Test
    void theOutboxOfTheVersionsBeforeP6IsAdoptedWhenTheStoreStarts() {
        deliveries.insertMany(List.of(legacyDelivery(1, DeliveryState.PENDING, 0),
                legacyDelivery(2, DeliveryState.PENDING, 0)));
        Instant later = T0.plusSeconds(300);
        outbox.insertMany(List.of(
                new Document("_id", id(1)).append("webhookId", hook).append("orderingKey", "consent:c-1")
                        .append("position", 1L).append("dueAt", Date.from(T0)),
                new Document("_id", id(2)).append("webhookId", hook).append("orderingKey", "consent:c-2")
                        .append("position", 2L).append("dueAt", Date.from(later))));

        NotificationStore upgraded = new NotificationStore(stores.database());

        assertThat(upgraded.pending()).extracting(PendingDelivery::deliveryId, PendingDelivery::dueAt)
                .containsExactlyInAnyOrder(tuple(id(1), T0), tuple(id(2), later));
        assertThat(outbox.countDocuments(new Document("d", new Document("$exists", false)))).isZero();
        upgraded.markDelivered(id(1), 1, T0);
        assertThat(upgraded.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id(2));
        assertThat(upgraded.findDelivery(id(1)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    // ---- p11: one open marker per block of batches ----

    @Test
    void theBatchesOfABlockShareOneMarkerWrittenWithItsFirstBatch() {
        recorder.recordAll(revocations(1, 2));
        recorder.recordAll(revocations(3, 1));
        recorder.recordAll(revocations(4, 1));

        Document marker = open.find().first();
        assertThat(open.countDocuments()).isEqualTo(1);
        assertThat(marker.getInteger("n")).isEqualTo(NotificationStore.BLOCK_SIZE);
        assertThat(marker.containsKey("sealed")).isFalse();
        assertThat(List.of(deliveryDoc(1), deliveryDoc(3), deliveryDoc(4))).extracting(d -> d.getString("batch"))
                .containsExactly(marker.getString("_id") + ".0", marker.getString("_id") + ".1",
                        marker.getString("_id") + ".2");
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId)
                .containsExactlyInAnyOrder(id(1), id(2), id(3), id(4));

        for (int event = 1; event <= 4; event++) {
            store.markDelivered(id(event), 1, T0);
        }
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isEqualTo(1); // young and unsealed: batches may still join it
        sealBlocks();
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isZero();
        assertThat(batches.countDocuments()).isEqualTo(3);
        assertThat(store.findDelivery(id(3)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aFullBlockIsSealedWhenTheNextStartsAndItsMarkerGoesOnceItsBatchesHaveFinished() {
        int size = NotificationStore.BLOCK_SIZE;
        for (int event = 1; event <= size + 1; event++) {
            recorder.recordAll(revocations(event, 1));
        }
        String first = deliveryDoc(1).getString("batch").replaceAll("\\.0$", "");
        String second = deliveryDoc(size + 1).getString("batch").replaceAll("\\.0$", "");
        assertThat(second).isNotEqualTo(first);
        assertThat(open.find(new Document("_id", first)).first().getBoolean("sealed")).isTrue();
        assertThat(open.find(new Document("_id", second)).first().containsKey("sealed")).isFalse();
        for (int event = 1; event < size; event++) {
            store.markDelivered(id(event), 1, T0);
        }

        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId)
                .containsExactlyInAnyOrder(id(size), id(size + 1));
        assertThat(open.countDocuments()).isEqualTo(2);
        store.markDelivered(id(size), 1, T0);
        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactly(id(size + 1));
        assertThat(open.find().into(new ArrayList<>())).extracting(d -> d.getString("_id")).containsExactly(second);
    }

    @Test
    void anUnsealedBlockLeftByARecorderThatStoppedGoesOnceAbandonedAndNotWhileItHasAPendingDelivery() {
        recorder.recordAll(revocations(1, 1));
        recorder.recordAll(revocations(2, 1));
        store.markDelivered(id(1), 1, T0);
        open.updateMany(new Document(), new Document("$set", new Document("at", java.util.Date.from(Instant.now()
                .minus(NotificationStore.BLOCK_ABANDONED).minusSeconds(60)))));

        assertThat(store.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactly(id(2));
        assertThat(open.countDocuments()).isEqualTo(1);
        store.markDelivered(id(2), 1, T0);
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isZero();
    }

    @Test
    void aBatchAndItsMarkerWrittenBeforeP11AreReadAndSweptAsBefore() {
        recorder.recordAll(revocations(1, 2));
        // as the current main writes them: a random batch id, a marker of its own without a block size
        Document batch = batches.find().first();
        String legacyId = java.util.UUID.randomUUID().toString();
        batches.deleteMany(new Document());
        batches.insertOne(new Document(batch).append("_id", legacyId));
        deliveries.updateMany(new Document(), new Document("$set", new Document("batch", legacyId)));
        open.deleteMany(new Document());
        open.insertOne(new Document("_id", legacyId).append("v", 1L));
        NotificationStore upgraded = new NotificationStore(stores.database());

        assertThat(upgraded.sweepOutbox()).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(2));
        upgraded.markDelivered(id(1), 1, T0);
        upgraded.giveUp(id(2), 8, T0, "http-500");
        assertThat(upgraded.findDeliveries(List.of(id(1), id(2)))).extracting(Delivery::state)
                .containsExactlyInAnyOrder(DeliveryState.DELIVERED, DeliveryState.GIVEN_UP);
        assertThat(upgraded.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isZero();
    }
}
