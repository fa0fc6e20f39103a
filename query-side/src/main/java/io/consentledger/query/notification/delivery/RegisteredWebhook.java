package io.consentledger.query.notification.delivery;

import java.util.List;

/** The answer to a registration or a rotation: the webhook and its new secret, shown this once. */
public record RegisteredWebhook(String webhookId, String url, List<String> events, String secret) {

    @Override
    public String toString() {
        return "RegisteredWebhook[webhookId=" + webhookId + ", url=" + url + ", events=" + events + ", secret=****]";
    }
}
