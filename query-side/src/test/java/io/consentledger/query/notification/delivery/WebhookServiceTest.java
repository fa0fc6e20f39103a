package io.consentledger.query.notification.delivery;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.address.WebhookUrlRefused;
import io.consentledger.query.notification.signing.WebhookSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook service and the recorder on the embedded store. */
class WebhookServiceTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber OTHER = Subscriber.recipient("other-app");
    private static final Subscriber BANK = Subscriber.provider("bank-1");

    private TestStores stores;
    private NotificationStore store;
    private NotificationRecorder recorder;
    private WebhookService service;
    private final MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        store = new NotificationStore(stores.database());
        recorder = new NotificationRecorder(store, clock);
        HostResolver dns = host -> host.equals("hooks.example.com")
                ? new InetAddress[]{InetAddress.getByName("93.184.216.34")}
                : InetAddress.getAllByName(host);
        service = new WebhookService(store, recorder, new WebhookUrlPolicy(false, dns), new SecureRandom(), clock);
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void registeringReturnsTheWebhookAndAFreshSecretOnce() {
        RegisteredWebhook registered = service.register(MESSENGER, "https://hooks.example.com/ledger",
                List.of("consent.revoked", "consent.authorised"));

        assertThat(registered.webhookId()).startsWith("wh_");
        assertThat(registered.events()).containsExactly("consent.authorised", "consent.revoked");
        assertThat(WebhookSecret.parse(registered.secret())).isNotNull();
        assertThat(registered.toString()).doesNotContain(registered.secret());
        assertThat(service.list(MESSENGER)).extracting(WebhookView::webhookId).containsExactly(registered.webhookId());
        assertThat(service.get(MESSENGER, registered.webhookId()).orElseThrow().toString())
                .doesNotContain(registered.secret().substring(6));
    }

    @Test
    void badInputIsRefusedWithACodeAndChangesNothing() {
        assertThatThrownBy(() -> service.register(MESSENGER, "https://10.0.0.1/x", List.of("consent.revoked")))
                .isInstanceOf(WebhookUrlRefused.class);
        assertThatThrownBy(() -> service.register(MESSENGER, "https://hooks.example.com/x", List.of("consent.eaten")))
                .isInstanceOf(InvalidWebhookRequest.class)
                .extracting(e -> ((InvalidWebhookRequest) e).code()).isEqualTo(InvalidWebhookRequest.EVENTS_INVALID);
        assertThatThrownBy(() -> service.register(MESSENGER, "https://hooks.example.com/x", List.of("webhook.ping")))
                .isInstanceOf(InvalidWebhookRequest.class);
        assertThatThrownBy(() -> service.register(MESSENGER, "https://hooks.example.com/x", List.of()))
                .isInstanceOf(InvalidWebhookRequest.class);

        assertThat(service.list(MESSENGER)).isEmpty();
    }

    @Test
    void aPartyHasAtMostTenWebhooks() {
        for (int i = 0; i < WebhookService.MAX_WEBHOOKS_PER_SUBSCRIBER; i++) {
            service.register(MESSENGER, "https://hooks.example.com/" + i, List.of("consent.revoked"));
        }

        assertThatThrownBy(() -> service.register(MESSENGER, "https://hooks.example.com/x", List.of("consent.revoked")))
                .isInstanceOf(InvalidWebhookRequest.class)
                .extracting(e -> ((InvalidWebhookRequest) e).code()).isEqualTo(InvalidWebhookRequest.LIMIT_REACHED);
    }

    @Test
    void aPartyNeitherSeesNorChangesAnothersWebhooks() {
        String id = service.register(MESSENGER, "https://hooks.example.com/x", List.of("consent.revoked")).webhookId();

        assertThat(service.list(OTHER)).isEmpty();
        assertThat(service.get(OTHER, id)).isEmpty();
        assertThat(service.rotateSecret(OTHER, id)).isEmpty();
        assertThat(service.sendTest(OTHER, id)).isEmpty();
        assertThat(service.deliveryLog(OTHER, id, 10)).isEmpty();
        assertThat(service.delete(OTHER, id)).isFalse();
        assertThat(service.get(MESSENGER, id)).isPresent();

        assertThat(service.delete(MESSENGER, id)).isTrue();
        assertThat(service.get(MESSENGER, id)).isEmpty();
        assertThat(service.list(MESSENGER)).isEmpty();
    }

    @Test
    void afterARotationBothSecretsSignFor24HoursThenOnlyTheNewOne() {
        RegisteredWebhook registered = service.register(MESSENGER, "https://hooks.example.com/x",
                List.of("consent.revoked"));
        WebhookSecret first = WebhookSecret.parse(registered.secret());

        WebhookSecret second = WebhookSecret.parse(service.rotateSecret(MESSENGER, registered.webhookId())
                .orElseThrow().secret());

        Webhook webhook = store.findWebhook(registered.webhookId()).orElseThrow();
        assertThat(webhook.signingSecrets(clock.instant())).containsExactly(second, first);
        assertThat(service.get(MESSENGER, registered.webhookId()).orElseThrow().previousSecretValidUntil())
                .isEqualTo(T0.plus(Duration.ofHours(24)));
        assertThat(webhook.signingSecrets(T0.plus(Duration.ofHours(24)))).containsExactly(second);

        // a second rotation drops the first secret at once
        WebhookSecret third = WebhookSecret.parse(service.rotateSecret(MESSENGER, registered.webhookId())
                .orElseThrow().secret());
        assertThat(store.findWebhook(registered.webhookId()).orElseThrow().signingSecrets(clock.instant()))
                .containsExactly(third, second);
    }

    @Test
    void recordingIsIdempotentAndFollowsSubscriptionsAndAudiences() {
        String messengerHook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        String bankHook = service.register(BANK, "https://hooks.example.com/b",
                List.of("consent.revoked", "link.unlinked")).webhookId();
        String otherHook = service.register(OTHER, "https://hooks.example.com/o", List.of("consent.revoked"))
                .webhookId();
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0);
        var unlinked = new BankAccountUnlinked("l-1", "cust-9", "bank-1", Initiator.CUSTOMER, T0);

        assertThat(recorder.record(revoked, "ev-1", 10)).isEqualTo(2);
        assertThat(recorder.record(revoked, "ev-1", 10)).isZero();
        assertThat(recorder.record(unlinked, "ev-2", 11)).isEqualTo(1);

        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactlyInAnyOrder(
                "ev-1/" + messengerHook, "ev-1/" + bankHook, "ev-2/" + bankHook);
        assertThat(store.findDelivery("ev-1/" + otherHook)).isEmpty();
        Delivery delivery = store.findDelivery("ev-1/" + messengerHook).orElseThrow();
        assertThat(delivery.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(delivery.body()).contains("\"type\":\"consent.revoked\"", "\"position\":10")
                .doesNotContain("cust-9");
    }

    @Test
    void aPendingDeliveryLostFromTheOutboxByACrashIsPutBackWhenTheEventIsRecordedAgain() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0);
        recorder.record(revoked, "ev-1", 10);
        // a crash before the batch document and its open marker were written (DeliveryStorageTest: each window)
        stores.database().getCollection("notification_delivery_batches").deleteMany(new org.bson.Document());
        stores.database().getCollection("notification_outbox_open").deleteMany(new org.bson.Document());

        recorder.record(revoked, "ev-1", 10);

        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly("ev-1/" + hook);
    }

    @Test
    void aDeliveredNotificationIsNotQueuedAgainByAReplay() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0);
        recorder.record(revoked, "ev-1", 10);
        store.markDelivered("ev-1/" + hook, 1, T0);

        recorder.record(revoked, "ev-1", 10);

        assertThat(store.pending()).isEmpty();
        assertThat(store.findDelivery("ev-1/" + hook).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aGivenUpDeliveryCanBeRetriedByItsOwnerOnly() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        recorder.record(new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0), "ev-1", 10);
        String id = "ev-1/" + hook;
        assertThat(service.retry(MESSENGER, hook, id)).isFalse(); // still pending
        store.giveUp(id, 8, T0, "http-500");

        assertThat(service.retry(OTHER, hook, id)).isFalse();
        assertThat(service.retry(MESSENGER, hook, id)).isTrue();

        assertThat(store.findDelivery(id).orElseThrow()).extracting(Delivery::state, Delivery::attempts)
                .containsExactly(DeliveryState.PENDING, 0);
        assertThat(store.pending()).extracting(PendingDelivery::deliveryId).containsExactly(id);
    }

    @Test
    void aRetriedDeliveryIsDueInTheOutboxWhenItsRetryIsAndTheSweepDeletesTheMarkersOfFinishedBatches() {
        String hook = service.register(MESSENGER, "https://hooks.example.com/m", List.of("consent.revoked"))
                .webhookId();
        for (int i = 1; i <= 3; i++) {
            recorder.record(new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                    RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T0), "ev-" + i, 10 + i);
        }
        Instant later = T0.plusSeconds(300);

        store.reschedule("ev-1/" + hook, 1, later, "http-500");
        store.markDelivered("ev-2/" + hook, 1, T0);

        assertThat(store.pending()).extracting(PendingDelivery::deliveryId, PendingDelivery::dueAt)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ev-1/" + hook, later),
                        org.assertj.core.groups.Tuple.tuple("ev-3/" + hook, T0));
        store.giveUp("ev-3/" + hook, 8, T0, "http-500");
        store.markDelivered("ev-1/" + hook, 2, later);
        assertThat(store.pending()).isEmpty();
        var open = stores.database().getCollection("notification_outbox_open");
        // since p11 one marker for the block of the three batches, kept while the block is young and unsealed
        assertThat(open.countDocuments()).isEqualTo(1);
        assertThat(store.sweepOutbox()).isEmpty();
        assertThat(open.countDocuments()).isEqualTo(1);
        open.updateMany(new org.bson.Document(), new org.bson.Document("$set", new org.bson.Document("sealed", true)));
        assertThat(store.sweepOutbox()).isEmpty(); // the dispatcher's sweep deletes the finished batches' markers
        assertThat(open.countDocuments()).isZero();
        // the batch documents are the deliveries' state records: kept
        assertThat(stores.database().getCollection("notification_delivery_batches").countDocuments()).isEqualTo(3);
        assertThat(store.findDelivery("ev-3/" + hook).orElseThrow()).extracting(Delivery::state, Delivery::attempts)
                .containsExactly(DeliveryState.GIVEN_UP, 8);
    }
}
