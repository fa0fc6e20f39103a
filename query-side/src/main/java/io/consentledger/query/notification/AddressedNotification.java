package io.consentledger.query.notification;

import java.util.Objects;
import java.util.Set;

/**
 * A notification with who may receive it and the key that orders its deliveries: notifications with the same
 * {@code orderingKey} are delivered to a webhook one after another in log order ({@code consent:<id>} or
 * {@code link:<id>}).
 */
public record AddressedNotification(Notification notification, Set<Subscriber> audience, String orderingKey) {

    public AddressedNotification {
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(orderingKey, "orderingKey");
        audience = Set.copyOf(audience);
    }
}
