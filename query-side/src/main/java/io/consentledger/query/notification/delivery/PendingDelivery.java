package io.consentledger.query.notification.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A delivery still to be made, as the outbox holds it: its id ({@code eventId/webhookId}), the webhook, the key that
 * orders it ({@code consent:<id>}), its event's global position and when it is due.
 * <p>
 * {@code recorded} is the delivery itself (body included) when it was stored just now, by the same call that hands it
 * to the dispatcher: its first attempt then needs no read of the store. Null when it comes from the outbox, and for a
 * retry (the dispatcher reads those).
 * <p>
 * {@code outbox} is where its state is kept: its entry in its recorded batch's document (one per recorded batch, one
 * entry per delivery), which its outcome updates by {@code _id}; or, for a delivery recorded before p10, its entry in
 * the earlier outbox, which its outcome removes. Null for a delivery that did not come from the store (tests of the
 * queue).
 * <p>
 * {@code webhook} is the webhook as the recorder knew it when it recorded the delivery (its cache, checked against
 * the webhooks' version at the start of that batch), and {@code webhookKnownAt} that moment ({@link System#nanoTime}):
 * the dispatcher sends a first attempt with it, without reading the webhook again, if it is recent enough. Null with
 * {@code recorded}.
 */
public record PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position,
                              Instant dueAt, Delivery recorded, OutboxSlot outbox, Webhook webhook,
                              long webhookKnownAt) {

    /**
     * An entry of an outbox document: the document's {@code _id} and the entry's key in it. {@code legacy}: an entry
     * of {@code notification_outbox} (written before p10, or for a delivery recorded before p10), removed when the
     * delivery finishes, the state being in the delivery's own document; otherwise an entry of the delivery's batch
     * document ({@code notification_delivery_batches}), which is where the delivery's state is kept.
     */
    public record OutboxSlot(String documentId, String key, boolean legacy) {
        public OutboxSlot {
            Objects.requireNonNull(documentId, "documentId");
            Objects.requireNonNull(key, "key");
        }

        /** An entry of a batch document: the delivery's state record. */
        public static OutboxSlot ofBatch(String documentId, String key) {
            return new OutboxSlot(documentId, key, false);
        }

        /** An entry of the earlier outbox ({@code notification_outbox}). */
        public static OutboxSlot ofLegacyOutbox(String documentId, String key) {
            return new OutboxSlot(documentId, key, true);
        }
    }

    public PendingDelivery {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    /** As the store hands it over. */
    public PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position, Instant dueAt,
                           Delivery recorded, OutboxSlot outbox) {
        this(deliveryId, webhookId, orderingKey, position, dueAt, recorded, outbox, null, 0);
    }

    /** Not from the store (the queue's tests). */
    public PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position, Instant dueAt,
                           Delivery recorded) {
        this(deliveryId, webhookId, orderingKey, position, dueAt, recorded, null, null, 0);
    }

    /** Not from the store, without the delivery (the queue's tests). */
    public PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position, Instant dueAt) {
        this(deliveryId, webhookId, orderingKey, position, dueAt, null, null, null, 0);
    }

    /** The same, due at another time, without the recorded delivery and webhook (a retry reads them). */
    public PendingDelivery dueAgainAt(Instant at) {
        return new PendingDelivery(deliveryId, webhookId, orderingKey, position, at, null, outbox, null, 0);
    }

    /** The same, without the recorded delivery and webhook (read when it is sent). */
    public PendingDelivery withoutRecorded() {
        return new PendingDelivery(deliveryId, webhookId, orderingKey, position, dueAt, null, outbox, null, 0);
    }

    /** The same, carrying its webhook as the recorder knew it at {@code knownAt} ({@link System#nanoTime}). */
    public PendingDelivery withWebhook(Webhook known, long knownAt) {
        return new PendingDelivery(deliveryId, webhookId, orderingKey, position, dueAt, recorded, outbox, known,
                knownAt);
    }
}
