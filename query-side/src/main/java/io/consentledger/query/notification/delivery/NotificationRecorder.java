package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationJson;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.feed.NotificationFeed;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The outbox writer: turns ledger events into delivery records, one per enabled webhook of an event's audience
 * that subscribed to its type, and, given a feed, into an entry of each audience member's pull feed. Idempotent
 * (deliveries are keyed by {@code eventId/webhookId}, feed entries by subscriber and event id), so a tracking
 * processor can call it again for the same events after a restart or a replay.
 * <p>
 * {@link #recordAll} writes a whole batch of events in bulk: one feed append for all, the audience's webhooks from
 * a cache ({@link WebhookDirectory}), one bulk write of the deliveries and their outbox entries. Once that is stored,
 * it hands the pending deliveries to the dispatcher ({@code onRecorded}), whose in-memory queue they join; the outbox
 * is the queue's recovery copy. With a feed, the processor that calls it must run on one segment (see
 * {@link NotificationFeed}).
 */
public class NotificationRecorder {

    private final NotificationStore store;
    private final NotificationFeed feed;
    private final Clock clock;
    private final WebhookDirectory directory;
    private final Consumer<List<PendingDelivery>> onRecorded;

    /** Webhook deliveries only. */
    public NotificationRecorder(NotificationStore store, Clock clock) {
        this(store, null, clock);
    }

    /** Webhook deliveries and the pull feed ({@code feed} may be null: no feed); the dispatcher reads the outbox. */
    public NotificationRecorder(NotificationStore store, NotificationFeed feed, Clock clock) {
        this(store, feed, clock, pending -> { });
    }

    /**
     * @param onRecorded receives the pending deliveries of each call once they are stored (the dispatcher's queue)
     */
    public NotificationRecorder(NotificationStore store, NotificationFeed feed, Clock clock,
                                Consumer<List<PendingDelivery>> onRecorded) {
        this.store = store;
        this.feed = feed;
        this.clock = clock;
        this.directory = new WebhookDirectory(store);
        this.onRecorded = onRecorded;
    }

    /**
     * One event on its own.
     *
     * @param payload  the event's payload; events that cause no notification are ignored
     * @param eventId  the event's identifier
     * @param position the event's global position in the log (not its tracking token's index: see {@code NotificationProcessor})
     * @return how many deliveries were newly recorded
     */
    public int record(Object payload, String eventId, long position) {
        return NotificationMapper.map(payload, eventId, position).map(this::record).orElse(0);
    }

    /** One notification outside the processor's batches (a dead letter, a tool): see {@link #recordAll(List, boolean)}. */
    public int record(AddressedNotification addressed) {
        return recordAll(List.of(addressed), true);
    }

    /** A batch of the processor: see {@link #recordAll(List, boolean)}. */
    public int recordAll(List<AddressedNotification> batch) {
        return recordAll(batch, false);
    }

    /**
     * A batch of notifications, in log order, written in bulk.
     *
     * @param onItsOwn not a batch of the processor (a dead letter handled on its own, maybe much later): the feed
     *                 looks its events up and marks them ({@link NotificationFeed#appendAll(List, boolean)})
     * @return how many deliveries were newly recorded
     */
    public int recordAll(List<AddressedNotification> batch, boolean onItsOwn) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<String> bodies = batch.stream().map(a -> NotificationJson.write(a.notification())).toList();
        Set<Subscriber> audience = new LinkedHashSet<>();
        batch.forEach(a -> audience.addAll(a.audience()));
        Map<Subscriber, List<Webhook>> webhooks = directory.webhooksOf(audience);
        long knownAt = directory.knownAt(); // the directory's version read: what it holds is that recent
        Map<String, Webhook> byId = new java.util.HashMap<>();
        Instant now = clock.instant();
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            AddressedNotification addressed = batch.get(i);
            NotificationType type = addressed.notification().notificationType();
            String eventId = addressed.notification().eventId();
            for (Subscriber subscriber : addressed.audience().stream().sorted(Comparator.comparing(Subscriber::key))
                    .toList()) {
                for (Webhook webhook : webhooks.getOrDefault(subscriber, List.of())) {
                    if (!webhook.enabled() || !webhook.wants(type) || !webhook.owner().equals(subscriber)) {
                        continue;
                    }
                    byId.put(webhook.id(), webhook);
                    deliveries.add(new Delivery(Delivery.idOf(eventId, webhook.id()), eventId, webhook.id(),
                            webhook.owner().key(), type.wireName(), addressed.orderingKey(),
                            addressed.notification().position(), bodies.get(i), DeliveryState.PENDING, 0, now, now,
                            null, null));
                }
            }
        }
        // each body once (p11), one document for the batch, before the feed pages and delivery documents that leave
        // the bodies out and name it; a batch handled again finds it stored and stores nothing
        Map<String, String> stored = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (feed != null && !batch.get(i).audience().isEmpty()) {
                stored.putIfAbsent(batch.get(i).notification().eventId(), bodies.get(i));
            }
        }
        deliveries.forEach(d -> stored.putIfAbsent(d.eventId(), d.body()));
        String source = stored.isEmpty() ? null : store.bodies().store(stored);
        if (feed != null) {
            List<NotificationFeed.Append> appends = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                String eventId = batch.get(i).notification().eventId();
                batch.get(i).audience().stream().sorted(Comparator.comparing(Subscriber::key))
                        .forEach(s -> appends.add(NotificationFeed.Append.stored(s, eventId, source)));
            }
            feed.appendAll(appends, onItsOwn);
        }
        if (deliveries.isEmpty()) {
            return 0;
        }
        NotificationStore.Recorded recorded = store.recordDeliveries(deliveries, source);
        if (!recorded.pending().isEmpty()) {
            // a delivery recorded now carries its webhook as the directory knew it: its first attempt, if soon,
            // needs no read of the webhook
            onRecorded.accept(recorded.pending().stream().map(p -> p.recorded() != null && byId.containsKey(p.webhookId())
                    ? p.withWebhook(byId.get(p.webhookId()), knownAt) : p).toList());
        }
        return recorded.inserted();
    }

    /** Hands deliveries that are stored and pending (a ping, a manual retry) to the dispatcher. */
    public void dispatch(List<PendingDelivery> pending) {
        if (!pending.isEmpty()) {
            onRecorded.accept(pending);
        }
    }

    /** The recorder's webhook cache (for tests). */
    WebhookDirectory directory() {
        return directory;
    }
}
