package io.consentledger.query.metrics;

import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.consent.ConsentViews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentStatusMetricsTest {

    private final TestStores stores = TestStores.open();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void countsConsentsByEffectiveStatus() {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        var views = stores.database().getCollection("consent_views");
        views.insertOne(new Document("_id", "a").append("status", "AUTHORISED").append("expiresAt", Date.from(now.plusSeconds(60))));
        views.insertOne(new Document("_id", "b").append("status", "AUTHORISED").append("expiresAt", Date.from(now)));
        views.insertOne(new Document("_id", "c").append("status", "REVOKED").append("expiresAt", Date.from(now.plusSeconds(60))));
        views.insertOne(new Document("_id", "d").append("status", "AWAITING_AUTHORISATION"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ConsentStatusMetrics(registry, new ConsentViews(stores.database(), Clock.fixed(now, ZoneOffset.UTC)));

        assertThat(registry.get("ledger.consents").tag("status", "AUTHORISED").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ledger.consents").tag("status", "EXPIRED").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ledger.consents").tag("status", "REVOKED").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ledger.consents").tag("status", "AWAITING_AUTHORISATION").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ledger.consents").tag("status", "REJECTED").gauge().value()).isZero();
    }
}
