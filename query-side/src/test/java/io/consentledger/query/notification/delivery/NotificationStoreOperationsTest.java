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
                            byThread(event);
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

    /** Per thread group (recorder, outcome recorder, workers, sweep): commands, documents and bytes sent. */
    private final Map<String, Map<String, long[]>> threads = new ConcurrentHashMap<>();

    private void byThread(CommandStartedEvent event) {
        String name = event.getCommandName();
        BsonDocument command = event.getCommand();
        if (!command.containsKey(name) || !command.get(name).isString()) {
            return;
        }
        String thread = Thread.currentThread().getName().replaceAll("-[0-9]+$", "");
        String field = switch (name) {
            case "insert" -> "documents";
            case "update" -> "updates";
            case "delete" -> "deletes";
            default -> null;
        };
        long documents = field == null ? 0 : size(command, field);
        long bytes = field == null || !command.containsKey(field) ? 0 : command.getArray(field).stream()
                .mapToLong(v -> new org.bson.RawBsonDocument(v.asDocument(), new org.bson.codecs.BsonDocumentCodec())
                        .getByteBuffer().remaining()).sum();
        long[] c = threads.computeIfAbsent(thread, k -> new ConcurrentHashMap<>()).computeIfAbsent(
                name + " " + command.getString(name).getValue(), k -> new long[3]);
        synchronized (c) {
            c[0]++;
            c[1] += documents;
            c[2] += bytes;
        }
    }

    /**
     * Not an assertion: the store operations per recorded batch of 35 deliveries and per outcome batch, by thread
     * (commands, documents, bytes sent), and the sizes of the documents they write (issue 12, p11).
     */
    @Test
    void storeOperationsPerRecordedBatchAndPerOutcomeBatch() {
        String hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked")).webhookId();
        recorder.recordAll(revocations(1, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> uncounted.pending().isEmpty());
        dispatcher.sweep();
        int batches = 6;
        int size = 35;
        counting = true;
        for (int b = 0; b < batches; b++) {
            recorder.recordAll(revocations(100 + b * size, size));
            int last = 100 + b * size + size - 1;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() ->
                    uncounted.findDelivery("ev-" + last + "/" + hook).orElseThrow().state() == DeliveryState.DELIVERED);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> uncounted.pending().isEmpty());
        dispatcher.sweep();
        counting = false;
        long outcomeBatches = threads.getOrDefault("webhook-outcomes", Map.of()).entrySet().stream()
                .filter(e -> e.getKey().equals("insert notification_attempts")).mapToLong(e -> e.getValue()[0]).sum();
        System.out.printf("OPS %d recorded batches of %d, %d outcome batches%n", batches, size, outcomeBatches);
        threads.forEach((thread, ops) -> new TreeMap<>(ops).forEach((op, c) -> System.out.printf(
                "OPS %-18s %-40s commands %4d documents %5d bytes %8d%n", thread, op, c[0], c[1], c[2])));
        var db = stores.database();
        java.util.function.ToLongFunction<org.bson.Document> bson = d -> new org.bson.RawBsonDocument(
                d.toBsonDocument(), new org.bson.codecs.BsonDocumentCodec()).getByteBuffer().remaining();
        for (String collection : List.of("notification_delivery_batches", "notification_deliveries",
                "notification_attempts", "notification_webhooks", "notification_outbox_open")) {
            List<org.bson.Document> docs = db.getCollection(collection).find().into(new java.util.ArrayList<>());
            System.out.printf("OPS size %-32s %4d documents, bytes each: max %d, mean %.0f%n", collection, docs.size(),
                    docs.stream().mapToLong(bson).max().orElse(0), docs.stream().mapToLong(bson).average().orElse(0));
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
        // the block's marker (p11), written with the block's first batch (before counting), kept while the block is
        // young and unsealed
        assertThat(stores.database().getCollection("notification_outbox_open").find().into(new java.util.ArrayList<>()))
                .singleElement().satisfies(m -> assertThat(m.getInteger("n")).isEqualTo(NotificationStore.BLOCK_SIZE));
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
        // many as the attempts' timing makes), the heads of its two subscribers; per outcome batch also the webhook's
        // attempt counters and one log page. Since p11 no open marker per batch: one per block of batches, written
        // with the block's first (here the warm-up's) and deleted by the sweep once the block is sealed and finished
        long outcomeBatches = commands.get("update notification_delivery_batches").sum();
        assertThat(outcomeBatches).isLessThan(EVENTS / 2);
        assertThat(written.get("notification_delivery_batches").sum()).isEqualTo(1 + outcomeBatches);
        assertThat(perDelivery).doesNotContainKey("notification_outbox_open");
        assertThat(written.get("notification_webhooks").sum()).isEqualTo(outcomeBatches);
        assertThat(written.get("notification_attempts").sum()).isEqualTo(outcomeBatches);
        assertThat(written.get("notification_feed_heads").sum()).isEqualTo(2);
        assertThat(written.get("notification_bodies").sum()).isEqualTo(1); // p11: the batch's bodies, once
        assertThat(total).isCloseTo(1.0 + (6 + 3 * outcomeBatches) / (double) EVENTS,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}
