package io.consentledger.query.notification.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A delivery still to be made, as the outbox holds it: its id ({@code eventId/webhookId}), the webhook, the key that
 * orders it ({@code consent:<id>}), its event's global position and when it is due.
 */
public record PendingDelivery(String deliveryId, String webhookId, String orderingKey, long position,
                              Instant dueAt) {

    public PendingDelivery {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
