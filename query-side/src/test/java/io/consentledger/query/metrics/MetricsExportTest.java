package io.consentledger.query.metrics;

import io.consentledger.contracts.consent.FindConsent;


import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Axon's metrics and the ledger's reach the registry that /actuator/prometheus exports. */
@SpringBootTest(properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class MetricsExportTest {

    @Autowired
    QueryGateway queries;
    @Autowired
    PrometheusMeterRegistry prometheus;

    @Test
    void exportsAxonsTimersAndTheLedgersMeters() {
        queries.query(new FindConsent("none"), ResponseTypes.optionalInstanceOf(Object.class)).join();

        String scrape = prometheus.scrape();
        assertThat(scrape).contains("queryBus_allTimer_seconds_count{payloadType=\"FindConsent\"");
        assertThat(scrape).contains("ledger_consents{status=\"AUTHORISED\"}");
        assertThat(scrape).contains("ledger_eventstore_append_seconds");
    }
}
