package io.consentledger.query.notification;

import java.util.Arrays;
import java.util.Optional;

/** The event types a webhook can subscribe to, with their wire names ({@code consent.revoked}). */
public enum NotificationType {
    CONSENT_REQUESTED("consent.requested"),
    CONSENT_AUTHORISED("consent.authorised"),
    CONSENT_REJECTED("consent.rejected"),
    CONSENT_REVOKED("consent.revoked"),
    CONSENT_REAUTHORISED("consent.reauthorised"),
    CONSENT_EXPIRED("consent.expired"),
    LINK_UNLINKED("link.unlinked"),
    SHARE_RECORDED("share.recorded"),
    /** Sent only by {@code POST /api/v1/webhooks/{id}/test}; every webhook receives it, whatever it subscribed to. */
    WEBHOOK_PING("webhook.ping");

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a webhook may subscribe to this type (all but the ping). */
    public boolean subscribable() {
        return this != WEBHOOK_PING;
    }

    public static Optional<NotificationType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
