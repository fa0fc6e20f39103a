package io.consentledger.query.notification.delivery;

import java.time.Instant;

/**
 * One attempt to send a delivery, for the webhook's delivery log: when, the receiver's status code (0 if no response
 * came), how long it took, and the error if any (a short code such as {@code timeout}, never a stack trace).
 */
public record DeliveryAttempt(String deliveryId, String webhookId, int number, Instant at, int statusCode,
                              long latencyMillis, String error) {

    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }
}
