package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.NotificationType;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.signing.WebhookSecret;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A registered webhook. {@code secrets} are the secrets it is signed with, newest first: after a rotation the old
 * one stays until its {@code validUntil}. {@code disabledReason} is set once the webhook is disabled (a 410 from the
 * receiver); a disabled webhook receives nothing more.
 */
public record Webhook(String id, Subscriber owner, URI url, Set<NotificationType> events,
                      List<VersionedSecret> secrets, Instant createdAt, String disabledReason) {

    public Webhook {
        events = Set.copyOf(events);
        secrets = List.copyOf(secrets);
    }

    public boolean enabled() {
        return disabledReason == null;
    }

    public boolean wants(NotificationType type) {
        return type == NotificationType.WEBHOOK_PING || events.contains(type);
    }

    /** The secrets to sign with at {@code now}, newest first. */
    public List<WebhookSecret> signingSecrets(Instant now) {
        return secrets.stream().filter(s -> s.validUntil() == null || now.isBefore(s.validUntil()))
                .map(VersionedSecret::secret).toList();
    }

    /** A secret and, for a rotated-out one, until when it still signs. */
    public record VersionedSecret(WebhookSecret secret, Instant validUntil) {
    }
}
