package io.consentledger.query.metrics;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.consent.ConsentStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Date;
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

    private final MongoCollection<Document> views;
    private final Clock clock;
    private volatile Map<ConsentStatus, Long> counts = new EnumMap<>(ConsentStatus.class);
    private volatile long countedAt;

    public ConsentStatusMetrics(MeterRegistry registry, MongoDatabase database, Clock clock) {
        this.views = database.getCollection("consent_views");
        this.clock = clock;
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
            counts = recount();
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }

    Map<ConsentStatus, Long> recount() {
        Map<ConsentStatus, Long> fresh = new EnumMap<>(ConsentStatus.class);
        Date now = Date.from(clock.instant());
        for (Document view : views.find().projection(new Document("status", 1).append("expiresAt", 1))) {
            ConsentStatus status = ConsentStatus.valueOf(view.getString("status"));
            Date expiresAt = view.getDate("expiresAt");
            if (status == ConsentStatus.AUTHORISED && expiresAt != null && !now.before(expiresAt)) {
                status = ConsentStatus.EXPIRED;
            }
            fresh.merge(status, 1L, Long::sum);
        }
        return fresh;
    }

}
