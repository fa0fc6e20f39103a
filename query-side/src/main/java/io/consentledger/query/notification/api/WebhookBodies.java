package io.consentledger.query.notification.api;

import io.consentledger.query.notification.delivery.Delivery;
import io.consentledger.query.notification.delivery.DeliveryAttempt;

import java.time.Instant;
import java.util.List;

/**
 * The webhook endpoints' request and response bodies. In the API a delivery is named, under its webhook, by the id
 * of the event it notifies ({@code deliveryId}); {@code webhookMessageId} is what the receiver got as
 * {@code webhook-id} ({@code <eventId>/<webhookId>}).
 */
public final class WebhookBodies {

    private WebhookBodies() {
    }

    /** {@code POST /api/v1/webhooks}. */
    public record Register(String url, List<String> events) {
    }

    /** One attempt of the delivery log. */
    public record Attempt(String deliveryId, String webhookMessageId, int number, Instant at, int statusCode,
                   long latencyMillis, String error) {
        static Attempt of(DeliveryAttempt attempt) {
            return new Attempt(eventIdOf(attempt.deliveryId()), attempt.deliveryId(), attempt.number(), attempt.at(),
                    attempt.statusCode(), attempt.latencyMillis(), attempt.error());
        }
    }

    public record DeliveryLog(String webhookId, List<Attempt> attempts) {
    }

    /** One delivery: its state, how many attempts it took, when it finished. */
    public record DeliveryState(String deliveryId, String webhookMessageId, String webhookId, String type, long position,
                         String state, int attempts, Instant createdAt, Instant nextAttemptAt, Instant finishedAt,
                         String lastError) {
        static DeliveryState of(Delivery d) {
            return new DeliveryState(d.eventId(), d.id(), d.webhookId(), d.type(), d.position(), d.state().name(),
                    d.attempts(), d.createdAt(), d.state() == io.consentledger.query.notification.delivery.DeliveryState.PENDING
                            ? d.nextAttemptAt() : null, d.finishedAt(), d.lastError());
        }
    }

    public record TestSent(String webhookId, String deliveryId, String webhookMessageId) {
    }

    static String eventIdOf(String deliveryId) {
        int slash = deliveryId.lastIndexOf('/');
        return slash < 0 ? deliveryId : deliveryId.substring(0, slash);
    }
}
