package io.consentledger.command.expiry;

import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRequested;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Records every consent's expiry minute durably (tracking processor "consent-expiry", token in MongoDB). Every
 * write is idempotent ($addToSet, $pull, $min), so a redelivery after a crash does no harm.
 */
@Component
@ProcessingGroup(ExpiryScheduleProjection.PROCESSING_GROUP)
public class ExpiryScheduleProjection {

    /** Its processor; errors propagate, so a failed event is retried from the token. */
    public static final String PROCESSING_GROUP = "consent-expiry";

    private final ExpiryBuckets buckets;

    public ExpiryScheduleProjection(ExpiryBuckets buckets) {
        this.buckets = buckets;
    }

    @EventHandler
    void on(ConsentRequested event) {
        buckets.schedule(event.consentId(), event.expiresAt());
    }

    @EventHandler
    void on(ConsentReauthorised event) {
        buckets.schedule(event.consentId(), event.expiresAt());
        buckets.unschedule(event.consentId(), event.previousExpiresAt());
    }

    @EventHandler
    void on(ConsentExpired event) {
        buckets.unschedule(event.consentId(), event.expiresAt());
    }
}
