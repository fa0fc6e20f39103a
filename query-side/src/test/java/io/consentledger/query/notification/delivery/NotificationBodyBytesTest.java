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
import io.consentledger.query.notification.feed.NotificationFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
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
 * Issue 12's throughput target, the store's side: the <b>bytes</b> one notification writes to each collection (the
 * BSON size of each inserted document and of each update statement, as the driver's command listener sees them), in
 * the benchmark's scenario (a batch of 50 notifications, each for the recipient's and the provider's feed and the
 * recipient's webhook, every delivery sent once and its outcome stored), and how many copies of each body are written.
 */
class NotificationBodyBytesTest {

    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final int EVENTS = 50;

    private TestStores stores;
    private MongoClient counted;
    private volatile boolean counting;
    private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();
    private final LongAdder bodyCopies = new LongAdder();
    private final Map<String, LongAdder> finds = new ConcurrentHashMap<>();
    private NotificationStore store;
    private NotificationFeed feed;
    private NotificationStore uncounted;
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
        if (name.equals("find")) {
            finds.computeIfAbsent(collection, k -> new LongAdder()).increment();
        }
        List<BsonDocument> written = switch (name) {
            case "insert" -> documents(command, "documents", null);
            case "update" -> documents(command, "updates", "u");
            default -> List.of();
        };
        for (BsonDocument d : written) {
            bytes.computeIfAbsent(collection, k -> new LongAdder())
                    .add(new RawBsonDocument(d, new BsonDocumentCodec()).getByteBuffer().remaining());
            countBodies(d);
        }
    }

    private static List<BsonDocument> documents(BsonDocument command, String field, String part) {
        if (!command.containsKey(field)) {
            return List.of();
        }
        BsonArray array = command.getArray(field);
        return array.stream().map(BsonValue::asDocument).map(d -> part == null ? d : d.getDocument(part)).toList();
    }

    /** A notification body is a JSON object holding its event id: count the strings that are one. */
    private void countBodies(BsonValue value) {
        if (value.isString() && value.asString().getValue().startsWith("{\"")) {
            bodyCopies.increment();
        } else if (value.isDocument()) {
            value.asDocument().values().forEach(this::countBodies);
        } else if (value.isArray()) {
            value.asArray().forEach(this::countBodies);
        }
    }

    private static List<AddressedNotification> revocations(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> NotificationMapper.map(
                new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                        RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.now()), "ev-" + i, i)
                .orElseThrow()).toList();
    }

    @Test
    void eachNotificationsBodyIsWrittenOnce() {
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
        dispatcher.sweep();
        counting = false;

        Map<String, Double> perNotification = new TreeMap<>();
        bytes.forEach((collection, n) -> perNotification.put(collection, n.sum() / (double) EVENTS));
        double total = perNotification.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("BYTES written per notification: %s, total %.0f; body copies per notification %.1f%n",
                perNotification, total, bodyCopies.sum() / (double) EVENTS);

        assertThat(receiver.requests).hasSize(1 + EVENTS);
        assertThat(bodyCopies.sum()).isEqualTo(EVENTS);
    }

    /** The pull feed and the deliveries read the bodies of what they read with one more {@code $in}, not per item. */
    @Test
    void aPageOfTheFeedOrOfDeliveriesReadsItsBodiesInOneRead() {
        String hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked")).webhookId();
        dispatcher.close();
        for (int b = 0; b < 4; b++) {
            recorder.recordAll(revocations(100 + 50 * b, 50)); // four batches: four bodies' documents
        }

        counting = true;
        var page = feed.page(Subscriber.provider("bank-1"), null, 200);
        counting = false;
        assertThat(page.entries()).hasSize(200).allSatisfy(e -> assertThat(e.body()).contains(e.eventId()));
        assertThat(finds.get("notification_bodies").sum()).isEqualTo(1);

        finds.clear();
        counting = true;
        List<Delivery> found = store.findDeliveries(IntStream.range(100, 300).mapToObj(i -> "ev-" + i + "/" + hook)
                .toList());
        counting = false;
        assertThat(found).hasSize(200).allSatisfy(d -> assertThat(d.body()).contains(d.eventId()));
        assertThat(finds.get("notification_bodies").sum()).isEqualTo(1);
        assertThat(finds.get("notification_deliveries").sum()).isEqualTo(1);
    }

    /** What the store keeps in memory per notification (mongo-java-server holds it all): the heap after a GC. */
    @Test
    void heapRetainedPerNotification() throws Exception {
        NotificationStore store = new NotificationStore(stores.database());
        NotificationRecorder plain = new NotificationRecorder(store, new NotificationFeed(stores.database()),
                Clock.systemUTC());
        service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        dispatcher.close();
        plain.recordAll(revocations(0, 50));
        long before = usedAfterGc();
        int n = 4000;
        for (int i = 0; i < n; i += 50) {
            plain.recordAll(revocations(1000 + i, 50));
        }
        long after = usedAfterGc();
        System.out.printf("HEAP retained per notification: %.0f bytes%n", (after - before) / (double) n);
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
