package io.consentledger.query.notification.delivery;

import com.mongodb.client.MongoCollection;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationJson;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.feed.FeedEntry;
import io.consentledger.query.notification.feed.NotificationFeed;
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
 * Since p11 each notification's body is stored once, in {@code notification_bodies} under its event id, and the
 * feed pages of its subscribers and its delivery documents leave it out; what earlier versions wrote (bodies inline)
 * is read and served as before, next to the new form.
 */
class NotificationBodyStorageTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber BANK = Subscriber.provider("bank-1");

    private TestStores stores;
    private NotificationStore store;
    private NotificationFeed feed;
    private NotificationRecorder recorder;
    private final List<PendingDelivery> handedOver = new ArrayList<>();
    private WebhookService service;
    private final MutableClock clock = new MutableClock(T0);
    private String hook;
    private MongoCollection<Document> bodies;
    private MongoCollection<Document> pages;
    private MongoCollection<Document> deliveries;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        store = new NotificationStore(stores.database());
        feed = new NotificationFeed(stores.database());
        recorder = new NotificationRecorder(store, feed, clock, handedOver::addAll);
        HostResolver dns = host -> new InetAddress[]{InetAddress.getByName("93.184.216.34")};
        service = new WebhookService(store, recorder, new WebhookUrlPolicy(false, dns), new SecureRandom(), clock);
        hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked")).webhookId();
        bodies = stores.database().getCollection("notification_bodies");
        pages = stores.database().getCollection("notification_feed");
        deliveries = stores.database().getCollection("notification_deliveries");
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

    private static String body(int event) {
        return NotificationJson.write(revocations(event, 1).get(0).notification());
    }

    private String id(int event) {
        return "ev-" + event + "/" + hook;
    }

    @Test
    void aRecordedBatchStoresEachBodyOnceAndItsFeedPagesAndDeliveryDocumentsLeaveItOut() {
        recorder.recordAll(revocations(1, 3));

        // one document for the batch's bodies, named by its two feed pages and its three delivery documents
        assertThat(bodies.find().into(new ArrayList<>())).singleElement().satisfies(d -> {
            assertThat(d.getList("e", String.class)).containsExactly("ev-1", "ev-2", "ev-3");
            assertThat(d.getList("b", String.class)).containsExactly(body(1), body(2), body(3));
        });
        String source = bodies.find().first().getString("_id");
        assertThat(pages.find().into(new ArrayList<>())).hasSize(2).allSatisfy(p -> assertThat(p)
                .containsKey("ids").containsEntry("src", source).doesNotContainKey("bodies"));
        assertThat(deliveries.find().into(new ArrayList<>())).hasSize(3).allSatisfy(d -> assertThat(d)
                .doesNotContainKeys("body", "eventId", "webhookId") // the ids: in its _id
                .containsEntry("src", source).containsKeys("batch", "slot"));

        // served as before: the pull feed of both parties, GET delivery, the dispatcher's reads
        for (Subscriber s : List.of(MESSENGER, BANK)) {
            assertThat(feed.page(s, null, 10).entries()).extracting(FeedEntry::seq, FeedEntry::eventId, FeedEntry::body)
                    .containsExactly(tuple(1L, "ev-1", body(1)), tuple(2L, "ev-2", body(2)), tuple(3L, "ev-3", body(3)));
        }
        assertThat(store.findDeliveries(List.of(id(1), id(2), id(3))))
                .extracting(Delivery::id, Delivery::eventId, Delivery::webhookId, Delivery::body)
                .containsExactlyInAnyOrder(tuple(id(1), "ev-1", hook, body(1)), tuple(id(2), "ev-2", hook, body(2)),
                        tuple(id(3), "ev-3", hook, body(3)));
        // the first attempt needs no read: the deliveries handed over carry their bodies
        assertThat(handedOver).extracting(p -> p.recorded().body()).containsExactly(body(1), body(2), body(3));
        // the recovery copy: pending, read with their bodies
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(id(1), id(2), id(3));
    }

    @Test
    void aBatchHandledAgainStoresNoBodyTwiceAndServesTheSameBodies() {
        recorder.recordAll(revocations(1, 3));
        List<Document> before = bodies.find().into(new ArrayList<>());
        handedOver.clear();

        assertThat(recorder.recordAll(revocations(1, 3))).isZero();
        assertThat(bodies.find().into(new ArrayList<>())).isEqualTo(before); // the same batch: nothing written

        recorder.recordAll(revocations(2, 3)); // other boundaries (ev-4 is new): a document of its own

        assertThat(bodies.countDocuments()).isEqualTo(2);
        assertThat(feed.page(BANK, null, 10).entries()).extracting(FeedEntry::eventId, FeedEntry::body)
                .containsExactly(tuple("ev-1", body(1)), tuple("ev-2", body(2)), tuple("ev-3", body(3)),
                        tuple("ev-4", body(4)));
        assertThat(store.findDelivery(id(4)).orElseThrow().body()).isEqualTo(body(4));
    }

    @Test
    void aRetryAndAManualRetryReadTheStoredBody() {
        recorder.recordAll(revocations(1, 1));
        store.giveUp(id(1), 8, T0.plusSeconds(5), "http-500");

        assertThat(service.retry(MESSENGER, hook, id(1))).isTrue();

        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id(1));
        assertThat(store.findDelivery(id(1)).orElseThrow()).extracting(Delivery::state, Delivery::eventId,
                Delivery::webhookId, Delivery::body).containsExactly(DeliveryState.PENDING, "ev-1", hook, body(1));
        assertThat(service.delivery(MESSENGER, hook, id(1)).orElseThrow().body()).isEqualTo(body(1));
    }

    @Test
    void aDeadLetterHandledOnItsOwnStoresItsBodyOnceToo() {
        recorder.recordAll(revocations(1, 1));
        recorder.record(revocations(2, 1).get(0)); // on its own (a dead letter)
        recorder.record(revocations(2, 1).get(0)); // and again

        assertThat(bodies.countDocuments()).isEqualTo(2); // the batch's, the dead letter's (once)
        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId, FeedEntry::body)
                .containsExactly(tuple("ev-1", body(1)), tuple("ev-2", body(2)));
        assertThat(store.findDelivery(id(2)).orElseThrow().body()).isEqualTo(body(2));
    }

    @Test
    void feedPagesAndDeliveryDocumentsWithTheirBodiesInlineAreServedAsBeforeNextToNewOnes() {
        // as the version before p11 wrote them: pages with their bodies, delivery documents with theirs
        recordAsBeforeP11();
        NotificationStore upgradedStore = new NotificationStore(stores.database());
        NotificationFeed upgradedFeed = new NotificationFeed(stores.database());
        NotificationRecorder upgraded = new NotificationRecorder(upgradedStore, upgradedFeed, clock, handedOver::addAll);

        upgraded.recordAll(revocations(1, 4)); // ev-1, ev-2 handled again (a replay), ev-3 and ev-4 new

        assertThat(bodies.find().into(new ArrayList<>())).singleElement()
                .satisfies(d -> assertThat(d.getList("e", String.class)).containsExactly("ev-1", "ev-2", "ev-3", "ev-4"));
        for (Subscriber s : List.of(MESSENGER, BANK)) {
            assertThat(upgradedFeed.page(s, null, 10).entries()).extracting(FeedEntry::seq, FeedEntry::eventId,
                    FeedEntry::body).containsExactly(tuple(1L, "ev-1", "old-1"), tuple(2L, "ev-2", "old-2"),
                    tuple(3L, "ev-3", body(3)), tuple(4L, "ev-4", body(4)));
            // a cursor in the middle of the old page
            assertThat(upgradedFeed.page(s, upgradedFeed.page(s, null, 1).nextCursor(), 2).entries())
                    .extracting(FeedEntry::eventId, FeedEntry::body)
                    .containsExactly(tuple("ev-2", "old-2"), tuple("ev-3", body(3)));
        }
        assertThat(upgradedStore.findDeliveries(List.of(id(1), id(2), id(3), id(4))))
                .extracting(Delivery::id, Delivery::eventId, Delivery::webhookId, Delivery::body, Delivery::state)
                .containsExactlyInAnyOrder(tuple(id(1), "ev-1", hook, "old-1", DeliveryState.DELIVERED),
                        tuple(id(2), "ev-2", hook, "old-2", DeliveryState.DELIVERED),
                        tuple(id(3), "ev-3", hook, body(3), DeliveryState.PENDING),
                        tuple(id(4), "ev-4", hook, body(4), DeliveryState.PENDING));
        assertThat(deliveries.find(new Document("_id", id(1))).first().getString("body")).isEqualTo("old-1");
    }

    /** Two events recorded as the version before p11 did (its stored form, with bodies that tell them apart). */
    private void recordAsBeforeP11() {
        for (Subscriber s : List.of(BANK, MESSENGER)) {
            pages.insertOne(new Document("_id", s.key() + "/1").append("ids", List.of("ev-1", "ev-2"))
                    .append("bodies", List.of("old-1", "old-2")));
            stores.database().getCollection("notification_feed_heads").insertOne(
                    new Document("_id", s.key()).append("last", 2L).append("from", 1L));
        }
        Document entries = new Document();
        for (int i = 1; i <= 2; i++) {
            deliveries.insertOne(new Document("_id", id(i)).append("eventId", "ev-" + i).append("webhookId", hook)
                    .append("owner", MESSENGER.key()).append("type", "consent.revoked")
                    .append("orderingKey", "consent:c-" + i).append("position", (long) i).append("body", "old-" + i)
                    .append("createdAt", Date.from(T0)).append("batch", "b-old").append("slot", "k" + (i - 1)));
            entries.append("k" + (i - 1), new Document("state", "DELIVERED").append("attempts", 1)
                    .append("finishedAt", Date.from(T0)));
        }
        stores.database().getCollection("notification_delivery_batches")
                .insertOne(new Document("_id", "b-old").append("d", entries));
    }
}
