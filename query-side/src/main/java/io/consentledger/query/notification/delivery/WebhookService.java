package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.Notification;
import io.consentledger.query.notification.NotificationJson;
import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.signing.WebhookSecret;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the webhook endpoints do, for one calling subscriber at a time. A subscriber only ever sees and changes its
 * own webhooks: another's webhook id is answered like an unknown one (empty / false), so ids cannot be probed.
 * Bad input throws {@link InvalidWebhookRequest} or
 * {@link io.consentledger.query.notification.address.WebhookUrlRefused}, each with a stable code, and changes nothing.
 */
public class WebhookService {

    /** How long a rotated-out secret keeps signing. */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    public static final int MAX_WEBHOOKS_PER_SUBSCRIBER = 10;

    private final NotificationStore store;
    private final NotificationRecorder recorder;
    private final WebhookUrlPolicy urlPolicy;
    private final SecureRandom random;
    private final Clock clock;

    public WebhookService(NotificationStore store, NotificationRecorder recorder, WebhookUrlPolicy urlPolicy,
                          SecureRandom random, Clock clock) {
        this.store = store;
        this.recorder = recorder;
        this.urlPolicy = urlPolicy;
        this.random = random;
        this.clock = clock;
    }

    /** {@code POST /api/v1/webhooks}. */
    public RegisteredWebhook register(Subscriber owner, String url, Collection<String> events) {
        Set<NotificationType> types = types(events);
        URI uri = urlPolicy.checkRegistration(url);
        if (store.webhooksOf(owner).size() >= MAX_WEBHOOKS_PER_SUBSCRIBER) {
            throw new InvalidWebhookRequest(InvalidWebhookRequest.LIMIT_REACHED,
                    "A party can register at most " + MAX_WEBHOOKS_PER_SUBSCRIBER + " webhooks.");
        }
        WebhookSecret secret = WebhookSecret.generate(random);
        Webhook webhook = new Webhook("wh_" + UUID.randomUUID().toString().replace("-", ""), owner, uri, types,
                List.of(new Webhook.VersionedSecret(secret, null)), clock.instant(), null);
        store.insertWebhook(webhook);
        return new RegisteredWebhook(webhook.id(), uri.toString(), WebhookView.of(webhook, clock.instant()).events(),
                secret.encoded());
    }

    /** {@code GET /api/v1/webhooks}. */
    public List<WebhookView> list(Subscriber owner) {
        Instant now = clock.instant();
        return store.webhooksOf(owner).stream().map(w -> WebhookView.of(w, now)).toList();
    }

    /** {@code GET /api/v1/webhooks/{id}}. */
    public Optional<WebhookView> get(Subscriber owner, String webhookId) {
        return owned(owner, webhookId).map(w -> WebhookView.of(w, clock.instant()));
    }

    /**
     * {@code DELETE /api/v1/webhooks/{id}}; its pending deliveries are given up by the dispatcher. Its owner no longer
     * sees it; auditors still read it, disabled, and its delivery log.
     */
    public boolean delete(Subscriber owner, String webhookId) {
        return store.deleteWebhook(webhookId, owner, clock.instant());
    }

    /**
     * {@code POST /api/v1/webhooks/{id}/rotate-secret}: a new secret signs from now on; the current one keeps signing
     * beside it for {@link #ROTATION_OVERLAP}. A secret rotated out earlier stops at once.
     */
    public Optional<RegisteredWebhook> rotateSecret(Subscriber owner, String webhookId) {
        return owned(owner, webhookId).map(webhook -> {
            Instant now = clock.instant();
            WebhookSecret fresh = WebhookSecret.generate(random);
            List<Webhook.VersionedSecret> secrets = new ArrayList<>();
            secrets.add(new Webhook.VersionedSecret(fresh, null));
            webhook.secrets().stream().filter(s -> s.validUntil() == null).findFirst()
                    .ifPresent(current -> secrets.add(new Webhook.VersionedSecret(current.secret(),
                            now.plus(ROTATION_OVERLAP))));
            store.replaceSecrets(webhookId, secrets);
            return new RegisteredWebhook(webhook.id(), webhook.url().toString(),
                    WebhookView.of(webhook, now).events(), fresh.encoded());
        });
    }

    /** {@code POST /api/v1/webhooks/{id}/test}: queues a {@code webhook.ping}; returns its delivery id. */
    public Optional<String> sendTest(Subscriber owner, String webhookId) {
        return owned(owner, webhookId).map(webhook -> {
            String pingId = "ping_" + UUID.randomUUID().toString().replace("-", "");
            Notification ping = Notification.ping(pingId, clock.instant());
            Instant now = clock.instant();
            Delivery delivery = new Delivery(Delivery.idOf(pingId, webhook.id()), pingId, webhook.id(),
                    owner.key(), ping.type(), "ping:" + pingId, 0,
                    NotificationJson.write(ping), DeliveryState.PENDING, 0,
                    now, now, null, null);
            recorder.dispatch(store.recordDeliveries(List.of(delivery)).pending());
            return delivery.id();
        });
    }

    /** The delivery log of one webhook, newest first. */
    public Optional<List<DeliveryAttempt>> deliveryLog(Subscriber owner, String webhookId, int limit) {
        return owned(owner, webhookId).map(w -> store.attemptsOf(w.id(), Math.max(1, Math.min(limit, 500))));
    }

    /** One delivery of one of the owner's webhooks. */
    public Optional<Delivery> delivery(Subscriber owner, String webhookId, String deliveryId) {
        return owned(owner, webhookId).flatMap(w -> store.findDelivery(deliveryId))
                .filter(d -> d.webhookId().equals(webhookId));
    }

    /** A manual retry of a given-up delivery; false if there is none such of this owner's webhook. */
    public boolean retry(Subscriber owner, String webhookId, String deliveryId) {
        if (delivery(owner, webhookId, deliveryId).isEmpty()) {
            return false;
        }
        Optional<PendingDelivery> again = store.retry(deliveryId, clock.instant());
        again.ifPresent(p -> recorder.dispatch(List.of(p)));
        return again.isPresent();
    }

    // ---- auditors: every webhook, read only ----

    /** The webhooks of any subscriber, for an auditor. */
    public List<WebhookView> listAny(Subscriber owner) {
        return list(owner);
    }

    /** Any webhook, deleted ones included, for an auditor (no secrets). */
    public Optional<WebhookView> getAny(String webhookId) {
        return store.findWebhookIncludingDeleted(webhookId).map(w -> WebhookView.of(w, clock.instant()));
    }

    /** Any webhook's delivery log, deleted webhooks' included, newest first, for an auditor. */
    public Optional<List<DeliveryAttempt>> deliveryLogAny(String webhookId, int limit) {
        return store.findWebhookIncludingDeleted(webhookId)
                .map(w -> store.attemptsOf(w.id(), Math.max(1, Math.min(limit, 500))));
    }

    /** One delivery of any webhook, deleted ones included, for an auditor. */
    public Optional<Delivery> deliveryAny(String webhookId, String deliveryId) {
        return store.findWebhookIncludingDeleted(webhookId).flatMap(w -> store.findDelivery(deliveryId))
                .filter(d -> d.webhookId().equals(webhookId));
    }

    /** For the recorder's callers that build notifications themselves (tests, a later replay tool). */
    public int record(AddressedNotification notification) {
        return recorder.record(notification);
    }

    private Optional<Webhook> owned(Subscriber owner, String webhookId) {
        return store.findWebhook(webhookId).filter(w -> w.owner().equals(owner));
    }

    private static Set<NotificationType> types(Collection<String> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidWebhookRequest(InvalidWebhookRequest.EVENTS_INVALID,
                    "Name at least one event type to subscribe to.");
        }
        Set<NotificationType> types = EnumSet.noneOf(NotificationType.class);
        for (String event : events) {
            NotificationType type = NotificationType.fromWireName(event).filter(NotificationType::subscribable)
                    .orElseThrow(() -> new InvalidWebhookRequest(InvalidWebhookRequest.EVENTS_INVALID,
                            "Unknown event type; the types are " + subscribable() + "."));
            types.add(type);
        }
        return types;
    }

    private static List<String> subscribable() {
        return Arrays.stream(NotificationType.values()).filter(NotificationType::subscribable)
                .map(NotificationType::wireName).toList();
    }
}
