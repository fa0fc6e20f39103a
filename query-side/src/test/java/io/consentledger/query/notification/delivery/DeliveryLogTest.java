package io.consentledger.query.notification.delivery;

import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.signing.WebhookSecret;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook's delivery log ({@code GET /api/v1/webhooks/{id}/deliveries} reads it): stored as one log page per
 * webhook and outcome batch since p8, and still read with the one-document-per-attempt log written before.
 */
class DeliveryLogTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private TestStores stores;
    private NotificationStore store;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        store = new NotificationStore(stores.database());
        store.insertWebhook(webhook("wh_1"));
        store.insertWebhook(webhook("wh_2"));
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private static Webhook webhook(String id) {
        return new Webhook(id, Subscriber.recipient("messenger"), URI.create("https://hooks.example.com/" + id),
                Set.of(NotificationType.CONSENT_REVOKED),
                List.of(new Webhook.VersionedSecret(WebhookSecret.generate(new SecureRandom()), null)), T0, null);
    }

    private static DeliveryAttempt attempt(String webhookId, int event, int number) {
        return new DeliveryAttempt("ev-" + event + "/" + webhookId, webhookId, number, T0.plusSeconds(event),
                number == 1 ? 500 : 204, 3 + event, number == 1 ? "http-500" : null);
    }

    @Test
    void aBatchOfOutcomesIsOneLogPagePerWebhookAndTheLogReadsNewestFirst() {
        store.recordAttempts(List.of(attempt("wh_1", 1, 1), attempt("wh_2", 2, 1), attempt("wh_1", 3, 1)));
        store.recordAttempts(List.of(attempt("wh_1", 1, 2)));
        store.recordAttempts(List.of(attempt("wh_1", 4, 1), attempt("wh_1", 5, 1)));

        assertThat(stores.database().getCollection("notification_attempts").countDocuments()).isEqualTo(4);
        assertThat(store.attemptsOf("wh_1", 10)).extracting(DeliveryAttempt::deliveryId, DeliveryAttempt::number)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ev-5/wh_1", 1),
                        org.assertj.core.groups.Tuple.tuple("ev-4/wh_1", 1),
                        org.assertj.core.groups.Tuple.tuple("ev-1/wh_1", 2),
                        org.assertj.core.groups.Tuple.tuple("ev-3/wh_1", 1),
                        org.assertj.core.groups.Tuple.tuple("ev-1/wh_1", 1));
        assertThat(store.attemptsOf("wh_1", 2)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("ev-5/wh_1", "ev-4/wh_1");
        assertThat(store.attemptsOf("wh_1", 4)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("ev-5/wh_1", "ev-4/wh_1", "ev-1/wh_1", "ev-3/wh_1");
        DeliveryAttempt newest = store.attemptsOf("wh_1", 1).get(0);
        assertThat(newest).isEqualTo(attempt("wh_1", 5, 1));
        assertThat(store.attemptsOf("wh_2", 10)).containsExactly(attempt("wh_2", 2, 1));
    }

    @Test
    void aLogWrittenOneDocumentPerAttemptBeforeP8IsStillReadBelowTheNewPages() {
        // as the code before p8 wrote it: webhookId/<n>, and the webhook's attemptSeq = n
        var attempts = stores.database().getCollection("notification_attempts");
        IntStream.rangeClosed(1, 3).forEach(n -> attempts.insertOne(new Document("_id", "wh_1/" + n)
                .append("deliveryId", "old-" + n + "/wh_1").append("webhookId", "wh_1").append("number", 1)
                .append("at", Date.from(T0)).append("statusCode", 204).append("latencyMillis", 7L)
                .append("error", null)));
        stores.database().getCollection("notification_webhooks").updateOne(new Document("_id", "wh_1"),
                new Document("$set", new Document("attemptSeq", 3L)));

        assertThat(store.attemptsOf("wh_1", 10)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("old-3/wh_1", "old-2/wh_1", "old-1/wh_1");

        store.recordAttempts(List.of(attempt("wh_1", 4, 1), attempt("wh_1", 5, 1)));
        store.recordAttempts(List.of(attempt("wh_1", 6, 1)));

        assertThat(store.attemptsOf("wh_1", 10)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("ev-6/wh_1", "ev-5/wh_1", "ev-4/wh_1", "old-3/wh_1", "old-2/wh_1", "old-1/wh_1");
        assertThat(store.attemptsOf("wh_1", 4)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("ev-6/wh_1", "ev-5/wh_1", "ev-4/wh_1", "old-3/wh_1");
        assertThat(store.attemptsOf("wh_1", 10).get(3)).isEqualTo(
                new DeliveryAttempt("old-3/wh_1", "wh_1", 1, T0, 204, 7, null));
    }

    @Test
    void aDeletedWebhooksLogGoesOnWithItsKeptCopy() {
        store.recordAttempts(List.of(attempt("wh_1", 1, 1)));
        assertThat(store.deleteWebhook("wh_1", Subscriber.recipient("messenger"), T0)).isTrue();

        store.recordAttempts(List.of(attempt("wh_1", 2, 1)));

        assertThat(store.attemptsOf("wh_1", 10)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly("ev-2/wh_1", "ev-1/wh_1");
    }
}
