package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.NotificationType;

import java.time.Instant;
import java.util.List;

/**
 * A webhook as its owner sees it, without secrets. {@code previousSecretValidUntil} is set while a rotated-out
 * secret still signs.
 */
public record WebhookView(String webhookId, String url, List<String> events, Instant createdAt, boolean enabled,
                          String disabledReason, Instant previousSecretValidUntil) {

    static WebhookView of(Webhook webhook, Instant now) {
        Instant previous = webhook.secrets().stream().map(Webhook.VersionedSecret::validUntil)
                .filter(t -> t != null && now.isBefore(t)).findFirst().orElse(null);
        return new WebhookView(webhook.id(), webhook.url().toString(),
                webhook.events().stream().map(NotificationType::wireName).sorted().toList(), webhook.createdAt(),
                webhook.enabled(), webhook.disabledReason(), previous);
    }
}
