package io.consentledger.query.notification.delivery;

import java.time.Instant;

/**
 * One notification to one webhook. {@code id} is {@code eventId/webhookId}: recording the same event twice for the
 * same webhook yields the same delivery, and the id is sent as {@code webhook-id}, stable across retries.
 * {@code body} is the exact JSON that is signed and sent.
 */
public record Delivery(String id, String eventId, String webhookId, String ownerKey, String type,
                       String orderingKey, long position, String body, DeliveryState state, int attempts,
                       Instant createdAt, Instant nextAttemptAt, Instant finishedAt, String lastError) {

    public static String idOf(String eventId, String webhookId) {
        return eventId + "/" + webhookId;
    }
}
