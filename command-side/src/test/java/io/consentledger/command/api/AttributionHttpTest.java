package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every event records who sent the command that caused it, as which party, under which correlation id. */
class AttributionHttpTest extends HttpTestSupport {

    @Test
    void eventsCarryPrincipalPartyAndTheRequestsCorrelationId() {
        String linkId = id("link");
        Response linked = post("/api/v1/links", linkJson(linkId, "cust-a", "EUR"), "Authorization", "ApiKey " + BANK_1,
                               "X-Correlation-Id", "corr-attribution-1");
        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.headers().firstValue("X-Correlation-Id")).contains("corr-attribution-1");
        String consentId = id("consent");
        Response requested = post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]",
                                  "{\"maxPerDay\":4}"), "Authorization", "ApiKey " + MESSENGER, "X-Correlation-Id", "bad id with spaces");
        assertThat(requested.status()).isEqualTo(201);
        String generated = requested.headers().firstValue("X-Correlation-Id").orElseThrow();
        assertThat(generated).matches("[0-9a-f-]{36}");

        DomainEventMessage<?> link = eventStore.readEvents(linkId).asStream().findFirst().orElseThrow();
        assertThat(link.getMetaData()).containsEntry("principal", "bank-1").containsEntry("party", "PROVIDER:bank-1")
                                      .containsEntry("correlationId", "corr-attribution-1");
        List<? extends DomainEventMessage<?>> consent = eventStore.readEvents(consentId).asStream().toList();
        assertThat(consent.get(0).getMetaData()).containsEntry("principal", "messenger")
                                                .containsEntry("party", "RECIPIENT:messenger")
                                                .containsEntry("correlationId", generated);
    }

    @Test
    void theRevocationsAnUnlinkCausesAreTheSystemsButKeepTheUnlinksPrincipalAndCorrelationId() {
        String[] ids = authorisedConsent("{\"maxPerDay\":4}");
        assertThat(post("/api/v1/links/" + ids[0] + "/unlink", "{\"initiator\":\"CUSTOMER\"}", "Authorization",
                        "ApiKey " + BANK_1, "X-Correlation-Id", "corr-unlink-7").status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                                 .until(() -> eventStore.readEvents(ids[1]).asStream().count() == 3);
        DomainEventMessage<?> revoked = eventStore.readEvents(ids[1]).asStream().toList().get(2);
        assertThat(revoked.getPayloadType().getSimpleName()).isEqualTo("ConsentRevoked");
        assertThat(revoked.getMetaData()).containsEntry("party", "SYSTEM").containsEntry("principal", "bank-1")
                                         .containsEntry("correlationId", "corr-unlink-7");
    }
}
