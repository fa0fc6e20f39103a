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
 */
public record PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position,
                              Instant dueAt, Delivery recorded) {

    public PendingDelivery {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    /** As the outbox holds it (the dispatcher reads the delivery). */
    public PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position, Instant dueAt) {
        this(deliveryId, webhookId, orderingKey, position, dueAt, null);
    }
}
