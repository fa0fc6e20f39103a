package io.consentledger.query.metrics;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Readiness covers MongoDB and every event processor. */
@SpringBootTest(properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class HealthIndicatorsTest {

    @Autowired
    @Qualifier("mongoHealthIndicator")
    HealthIndicator mongo;
    @Autowired
    @Qualifier("processorsHealthIndicator")
    HealthIndicator processors;

    @Test
    void reportsMongoDbAndEveryProcessor() {
        assertThat(mongo.health().getStatus()).isEqualTo(Status.UP);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Health health = processors.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKeys("consents", "balances", "access-log", "compliance");
        });
    }
}
