package io.consentledger.query.metrics;

import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.query.consent.ConsentViews;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.EnumMap;
import java.util.Map;

/**
 * {@code ledger.consents{status}}: how many consents are in each status, with the effective status (an authorised
 * consent past its expiry counts as EXPIRED). Counted from the consent views at most every 30 s, whatever the scrape
 * rate, because on the embedded store the count scans the collection.
 */
@Component
public class ConsentStatusMetrics {

    private static final long REFRESH_NANOS = 30_000_000_000L;

    private final ConsentViews views;
    private volatile Map<ConsentStatus, Long> counts = new EnumMap<>(ConsentStatus.class);
    private volatile long countedAt;

    public ConsentStatusMetrics(MeterRegistry registry, ConsentViews views) {
        this.views = views;
        for (ConsentStatus status : ConsentStatus.values()) {
            Gauge.builder("ledger.consents", this, m -> m.count(status))
                 .description("Consents by effective status")
                 .tag("status", status.name())
                 .register(registry);
        }
    }

    double count(ConsentStatus status) {
        long now = System.nanoTime();
        if (countedAt == 0 || now - countedAt > REFRESH_NANOS) {
            counts = views.countByStatus();
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
