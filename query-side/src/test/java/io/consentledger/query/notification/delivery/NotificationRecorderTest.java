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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder writes a processor's batch in bulk: its round trips to the store do not grow with the batch, the
 * webhooks of an audience are cached between batches and the cache is dropped as soon as any webhook changes, on
 * any instance.
 */
class NotificationRecorderTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber BANK = Subscriber.provider("bank-1");

    private TestStores stores;
    private MongoClient counted;
    private final AtomicInteger commands = new AtomicInteger();
    private NotificationStore store;
    private NotificationFeed feed;
    private NotificationRecorder recorder;
    private WebhookService service;
    private final List<PendingDelivery> handedOver = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        // the recorder's own client counts the commands it sends: one command, one round trip
        counted = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(stores.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.incrementAndGet();
                    }
                }).build());
        var database = counted.getDatabase(stores.databaseName());
        store = new NotificationStore(database);
        feed = new NotificationFeed(database);
        recorder = new NotificationRecorder(store, feed, clock, handedOver::addAll);
        service = new WebhookService(new NotificationStore(stores.database()), recorder, policy(), new SecureRandom(),
                clock);
    }

    @AfterEach
    void tearDown() {
        counted.close();
        stores.close();
    }

    private static WebhookUrlPolicy policy() {
        HostResolver dns = host -> new InetAddress[]{InetAddress.getByName("93.184.216.34")};
        return new WebhookUrlPolicy(false, dns);
    }

    private static List<AddressedNotification> revocations(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> NotificationMapper.map(
                new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                        RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0), "ev-" + i, i).orElseThrow())
                .toList();
    }

    private int commandsFor(Runnable work) {
        int before = commands.get();
        work.run();
        return commands.get() - before;
    }

    @Test
    void aBatchCostsTheSameRoundTripsWhateverItsSize() {
        service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"));
        service.register(BANK, "https://hooks.example.com/b", List.of("consent.revoked"));
        recorder.recordAll(revocations(1, 1)); // fills the webhook cache

        int ten = commandsFor(() -> recorder.recordAll(revocations(100, 10)));
        int fifty = commandsFor(() -> recorder.recordAll(revocations(200, 50)));

        // since p10 one more than before: the deliveries, their batch document, the batch's open marker
        assertThat(fifty).isEqualTo(ten).isLessThanOrEqualTo(11);
        assertThat(store.pending()).hasSize(2 * 61);
        assertThat(handedOver).hasSize(2 * 61);
        assertThat(feed.page(MESSENGER, null, 500).entries()).extracting(FeedEntry::eventId)
                .containsExactlyElementsOf(IntStream.concat(IntStream.of(1), IntStream.concat(
                        IntStream.range(100, 110), IntStream.range(200, 250))).mapToObj(i -> "ev-" + i).toList());
    }

    @Test
    void aBatchHandledAgainRecordsNothingNewAndHandsOverWhatIsStillPending() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        assertThat(recorder.recordAll(revocations(1, 3))).isEqualTo(3);
        store.markDelivered("ev-1/" + hook, 1, T0);
        handedOver.clear();

        assertThat(recorder.recordAll(revocations(1, 3))).isZero();

        assertThat(handedOver).extracting(PendingDelivery::deliveryId).containsExactly("ev-2/" + hook, "ev-3/" + hook);
        assertThat(feed.page(MESSENGER, null, 10).entries()).hasSize(3);
    }

    @Test
    void theWebhooksAreReadOnceAndAgainOnlyAfterAChange() {
        recorder.recordAll(revocations(1, 1));
        long loads = recorder.directory().loads();
        recorder.recordAll(revocations(2, 5));
        assertThat(recorder.directory().loads()).isEqualTo(loads); // cached, subscribers without webhooks too

        // registered through another instance's store: the version read by _id shows the change
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        assertThat(recorder.recordAll(revocations(10, 1))).isEqualTo(1);
        assertThat(recorder.directory().loads()).isEqualTo(loads + 1);

        service.rotateSecret(MESSENGER, hook);
        assertThat(recorder.recordAll(revocations(11, 1))).isEqualTo(1);
        assertThat(recorder.directory().loads()).isEqualTo(loads + 2);

        new NotificationStore(stores.database()).disable(hook, "The receiver answered 410 Gone.");
        assertThat(recorder.recordAll(revocations(12, 1))).isZero();

        String second = service.register(MESSENGER, "https://hooks.example.com/m2", List.of("consent.revoked"))
                .webhookId();
        assertThat(recorder.recordAll(revocations(13, 1))).isEqualTo(1);
        assertThat(service.delete(MESSENGER, second)).isTrue();
        assertThat(recorder.recordAll(revocations(14, 1))).isZero();
        List<String> recorded = new ArrayList<>();
        store.pending().forEach(p -> recorded.add(p.deliveryId()));
        assertThat(recorded).containsExactlyInAnyOrder("ev-10/" + hook, "ev-11/" + hook, "ev-13/" + second);
    }

    /**
     * p11: the webhooks' version is read at most once per {@link WebhookDirectory#VERSION_MAX_AGE} (not once per
     * batch), and at once after a change of a webhook made through this process; a change made through another
     * process (here: written to the store directly) is seen once the version read is that old.
     */
    @Test
    void theVersionIsReadOncePerMaxAgeAndAtOnceAfterAChangeInThisProcess() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        AtomicInteger versionReads = new AtomicInteger();
        NotificationStore counting = new NotificationStore(stores.database()) {
            @Override
            public long webhooksVersion() {
                versionReads.incrementAndGet();
                return super.webhooksVersion();
            }
        };
        WebhookDirectory directory = new WebhookDirectory(counting);
        directory.versionMaxAge(java.time.Duration.ofHours(1));
        assertThat(directory.webhooksOf(List.of(MESSENGER)).get(MESSENGER)).extracting(Webhook::enabled)
                .containsExactly(true);
        long readAt = directory.knownAt();
        assertThat(directory.webhooksOf(List.of(MESSENGER, BANK)).get(BANK)).isEmpty();
        assertThat(versionReads).hasValue(1);
        assertThat(directory.knownAt()).isEqualTo(readAt); // what the cache holds is as old as that read

        // disabled through another process: its store wrote the change, then moved the version
        stores.database().getCollection("notification_webhooks").updateOne(com.mongodb.client.model.Filters.eq(
                "_id", hook), com.mongodb.client.model.Updates.set("disabledReason", "elsewhere"));
        stores.database().getCollection("notification_webhooks_version").updateOne(
                com.mongodb.client.model.Filters.eq("_id", "webhooks"), com.mongodb.client.model.Updates.inc("version", 1L));
        assertThat(directory.webhooksOf(List.of(MESSENGER)).get(MESSENGER)).extracting(Webhook::enabled)
                .containsExactly(true); // not yet seen: within the version's max age
        assertThat(versionReads).hasValue(1);

        // a change through this process (any store instance) is seen at the next look-up
        service.rotateSecret(MESSENGER, hook);
        assertThat(directory.webhooksOf(List.of(MESSENGER)).get(MESSENGER)).extracting(Webhook::enabled)
                .containsExactly(false);
        assertThat(versionReads).hasValue(2);
        assertThat(directory.knownAt()).isGreaterThan(readAt);

        // once the read is older than the max age, the version is read again
        directory.versionMaxAge(java.time.Duration.ZERO);
        directory.webhooksOf(List.of(MESSENGER));
        directory.webhooksOf(List.of(MESSENGER));
        assertThat(versionReads).hasValue(4);
    }
}
