package io.consentledger.query.notification.delivery;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.feed.FeedEntry;
import io.consentledger.query.notification.feed.NotificationFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's throughput target: what one delivery costs the store, from the event to the stored outcome, counted by
 * the MongoDB driver's command listener as <b>documents written</b> (each document of an insert, each statement of
 * an update or a delete, each find-and-modify) per collection. The scenario is the benchmark's: a processor batch of
 * 50 revocations, each for the recipient's and the provider's feed, one webhook (the recipient's) on a loopback
 * receiver that answers 204, every delivery sent once and its outcome stored.
 */
class NotificationStoreOperationsTest {

    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber BANK = Subscriber.provider("bank-1");
    private static final int EVENTS = 50;

    private TestStores stores;
    private MongoClient counted;
    private volatile boolean counting;
    private final Map<String, LongAdder> written = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> commands = new ConcurrentHashMap<>();
    private NotificationStore store;
    /** The test's own reads, not counted. */
    private NotificationStore uncounted;
    private NotificationFeed feed;
    private WebhookDispatcher dispatcher;
    private NotificationRecorder recorder;
    private WebhookService service;
    private Receiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        stores = TestStores.open();
        counted = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(stores.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        if (counting) {
                            count(event);
                        }
                    }
                }).build());
        var database = counted.getDatabase(stores.databaseName());
        store = new NotificationStore(database);
        uncounted = new NotificationStore(stores.database());
        feed = new NotificationFeed(database);
        WebhookUrlPolicy policy = new WebhookUrlPolicy(true, HostResolver.SYSTEM);
        dispatcher = new WebhookDispatcher(store, policy, new RetrySchedule(Collections.nCopies(7,
                Duration.ofMillis(100)), 0), Clock.systemUTC(), new Random(1), new SimpleMeterRegistry(),
                new WebhookDispatcher.Settings(4, 4, Duration.ofSeconds(2), Duration.ofSeconds(2),
                        Duration.ofHours(1)));
        recorder = new NotificationRecorder(store, feed, Clock.systemUTC(), dispatcher::enqueue);
        service = new WebhookService(store, recorder, policy, new SecureRandom(), Clock.systemUTC());
        receiver = Receiver.answering(n -> 204);
        dispatcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.outboxReads() == 1);
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
        receiver.close();
        counted.close();
        stores.close();
    }

    private void count(CommandStartedEvent event) {
        String name = event.getCommandName();
        BsonDocument command = event.getCommand();
        if (!command.containsKey(name) || !command.get(name).isString()) {
            return;
        }
        String collection = command.getString(name).getValue();
        commands.computeIfAbsent(name + " " + collection, k -> new LongAdder()).increment();
        int documents = switch (name) {
            case "insert" -> size(command, "documents");
            case "update" -> size(command, "updates");
            case "delete" -> size(command, "deletes");
            case "findAndModify" -> 1;
            default -> 0;
        };
        if (documents > 0) {
            written.computeIfAbsent(collection, k -> new LongAdder()).add(documents);
        }
    }

    /** The statements of a write (the listener sees a bulk's payload as an array in the command). */
    private static int size(BsonDocument command, String field) {
        if (command.containsKey(field)) {
            BsonArray array = command.getArray(field);
            return array.size();
        }
        return 0;
    }

    private static List<AddressedNotification> revocations(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> NotificationMapper.map(
                new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                        RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.now()), "ev-" + i, i)
                .orElseThrow()).toList();
    }

    @Test
    void aDeliveryFromItsEventToItsStoredOutcomeWritesTwoDocumentsAndItsBatchesAFewMore() {
        String hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked")).webhookId();
        recorder.recordAll(revocations(1, 1)); // the webhook cache, the feed's heads: the steady state
        await().atMost(Duration.ofSeconds(10)).until(() -> uncounted.pending().isEmpty()
                && uncounted.findDelivery("ev-1/" + hook).orElseThrow().state() == DeliveryState.DELIVERED);
        dispatcher.sweep();

        counting = true;
        recorder.recordAll(revocations(100, EVENTS));
        await().atMost(Duration.ofSeconds(20)).until(() -> IntStream.range(100, 100 + EVENTS).allMatch(i ->
                uncounted.findDelivery("ev-" + i + "/" + hook).orElseThrow().state() == DeliveryState.DELIVERED));
        await().atMost(Duration.ofSeconds(5)).until(() -> uncounted.pending().isEmpty());
        dispatcher.sweep(); // the periodic sweep (every 10 s in production) deletes the finished batch's marker
        counting = false;

        Map<String, Double> perDelivery = new TreeMap<>();
        written.forEach((collection, n) -> perDelivery.put(collection, n.sum() / (double) EVENTS));
        double total = perDelivery.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.println("Documents written per delivery: " + perDelivery + ", total " + total
                           + "; commands: " + new TreeMap<>(commands));

        assertThat(receiver.requests).hasSize(1 + EVENTS);
        assertThat(stores.database().getCollection("notification_outbox_open").countDocuments()).isZero();
        assertThat(stores.database().getCollection("notification_outbox").countDocuments()).isZero();
        assertThat(feed.page(MESSENGER, null, 500).entries()).extracting(FeedEntry::eventId).hasSize(1 + EVENTS);
        assertThat(feed.page(BANK, null, 500).entries()).hasSize(1 + EVENTS);
        assertThat(store.attemptsOf(hook, 500)).hasSize(1 + EVENTS);
        // per delivery: the delivery inserted once and never updated (its outcome goes to its batch document); the
        // feed writes one page per batch and subscriber (since p10), not one document per event; no marker documents.
        // Until p8 5.2 documents per delivery in all; p8 to p9 3.2 (the delivery inserted, then updated with its
        // outcome, and one feed document per event serving both the recipient and the provider)
        assertThat(perDelivery.getOrDefault("notification_deliveries", 0.0)).isEqualTo(1.0);
        assertThat(commands).doesNotContainKey("update notification_deliveries");
        assertThat(written.get("notification_feed").sum()).isEqualTo(2);
        assertThat(perDelivery).doesNotContainKey("notification_feed_events");
        assertThat(perDelivery).doesNotContainKey("notification_outbox");
        // per batch, not per delivery: the recorded batch's document (inserted; updated once per outcome batch, as
        // many as the attempts' timing makes), its open marker (upserted, deleted by the sweep), the heads of its two
        // subscribers; per outcome batch also the webhook's attempt counters and one log page
        long outcomeBatches = commands.get("update notification_delivery_batches").sum();
        assertThat(outcomeBatches).isLessThan(EVENTS / 2);
        assertThat(written.get("notification_delivery_batches").sum()).isEqualTo(1 + outcomeBatches);
        assertThat(written.get("notification_outbox_open").sum()).isEqualTo(2);
        assertThat(written.get("notification_webhooks").sum()).isEqualTo(outcomeBatches);
        assertThat(written.get("notification_attempts").sum()).isEqualTo(outcomeBatches);
        assertThat(written.get("notification_feed_heads").sum()).isEqualTo(2);
        assertThat(written.get("notification_bodies").sum()).isEqualTo(1); // p11: the batch's bodies, once
        assertThat(total).isCloseTo(1.0 + (8 + 3 * outcomeBatches) / (double) EVENTS,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}
