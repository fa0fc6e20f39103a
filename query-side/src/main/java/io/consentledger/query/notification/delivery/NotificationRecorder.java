package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationJson;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.feed.NotificationFeed;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The outbox writer: turns one ledger event into delivery records, one per enabled webhook of the event's audience
 * that subscribed to its type, and, given a feed, into an entry of each audience member's pull feed. Idempotent
 * (deliveries are keyed by {@code eventId/webhookId}, feed entries by subscriber and event id), so a tracking
 * processor can call it again for the same event after a restart or a replay. The dispatcher sends what it records.
 * With a feed, the processor that calls it must run on one segment (see {@link NotificationFeed}).
 */
public class NotificationRecorder {

    private final NotificationStore store;
    private final NotificationFeed feed;
    private final Clock clock;

    /** Webhook deliveries only. */
    public NotificationRecorder(NotificationStore store, Clock clock) {
        this(store, null, clock);
    }

    /** Webhook deliveries and the pull feed ({@code feed} may be null: no feed). */
    public NotificationRecorder(NotificationStore store, NotificationFeed feed, Clock clock) {
        this.store = store;
        this.feed = feed;
        this.clock = clock;
    }

    /**
     * The tracking processor's handler, for every event.
     *
     * @param payload  the event's payload; events that cause no notification are ignored
     * @param eventId  the event's identifier
     * @param position the event's global position in the log (not its tracking token's index: see {@code NotificationProcessor})
     * @return how many deliveries were newly recorded
     */
    public int record(Object payload, String eventId, long position) {
        return NotificationMapper.map(payload, eventId, position).map(this::record).orElse(0);
    }

    public int record(AddressedNotification addressed) {
        NotificationType type = addressed.notification().notificationType();
        String body = NotificationJson.write(addressed.notification());
        if (feed != null) {
            addressed.audience().stream().sorted(Comparator.comparing(Subscriber::key))
                    .forEach(s -> feed.append(s, addressed.notification().eventId(), body));
        }
        Map<Subscriber, List<Webhook>> webhooks = store.webhooksOf(addressed.audience());
        if (webhooks.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        int recorded = 0;
        for (List<Webhook> ofOne : webhooks.values()) {
            for (Webhook webhook : ofOne) {
                if (!webhook.enabled() || !webhook.wants(type) || !addressed.audience().contains(webhook.owner())) {
                    continue;
                }
                String eventId = addressed.notification().eventId();
                Delivery delivery = new Delivery(Delivery.idOf(eventId, webhook.id()), eventId, webhook.id(),
                        webhook.owner().key(), type.wireName(), addressed.orderingKey(),
                        addressed.notification().position(), body, DeliveryState.PENDING, 0, now, now, null, null);
                if (store.recordDelivery(delivery)) {
                    recorded++;
                }
            }
        }
        return recorded;
    }
}
