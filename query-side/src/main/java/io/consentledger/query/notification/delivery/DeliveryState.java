package io.consentledger.query.notification.delivery;

/** Where a delivery stands. DELIVERED and GIVEN_UP are final, unless an owner retries a given-up one by hand. */
public enum DeliveryState {
    PENDING,
    DELIVERED,
    GIVEN_UP
}
