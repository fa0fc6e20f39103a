package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.query.access.AccessLogProjection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static io.consentledger.query.LedgerScript.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failing event handler parks its sequence in the Mongo dead-letter queue while other sequences go on; an operator
 * lists and retries it. Its own store: the planted failure must not leak into other tests' read models.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=dead-letter-test"})
class DeadLetterQueueTest extends HttpTestSupport {

    @Test
    void parksAFailingEventWhileOtherSequencesGoOnAndRetriesItOnRequest() {
        // an authorisation of a consent whose request the log never had: the consent view cannot apply it
        String orphan = "orphan-" + id;
        new LedgerScript(eventStore).link("other-" + id).standardConsent("ghost-" + id, "other-" + id);
        eventStore.publish(new org.axonframework.eventhandling.GenericDomainEventMessage<>(
                "Consent", orphan, 0, new io.consentledger.contracts.consent.ConsentAuthorised(
                orphan, "r", "c", "p", new io.consentledger.contracts.common.AuthorisationEvidence(
                        "channel-" + id, Instant.now(), "disclosure-" + id),
                Instant.now().plusSeconds(3600), Instant.now())));
        String healthy = "healthy-" + id;
        script.link("link-" + id).standardConsent(healthy, "link-" + id);

        awaitJson("/api/v1/consents/" + healthy, n -> n.has("status"));
        JsonNode parked = awaitJson("/api/v1/operator/dead-letters",
                                    n -> n.findValuesAsString("messageId").size() > 0
                                            && n.toString().contains("IllegalStateException"));
        assertThat(parked.findValuesAsString("processingGroup")).contains("consents");
        // issue 16: the parked event's personal fields (the evidence) are stored encrypted, as in the event store
        StringBuilder stored = new StringBuilder();
        for (String name : database.listCollectionNames()) {
            database.getCollection(name).find().forEach(document -> stored.append(name).append(' ').append(document.toJson()));
        }
        assertThat(stored.toString()).contains(orphan).contains("@personal")
                                     .doesNotContain("channel-" + id).doesNotContain("disclosure-" + id);

        // the operator repairs the read model, then retries the parked sequence
        database.getCollection("consent_views").insertOne(new Document("_id", orphan)
                .append("status", "AWAITING_AUTHORISATION").append("history", List.of()));
        JsonNode retried = post("/api/v1/operator/dead-letters/consents/retry").json();
        assertThat(retried.get("sequencesRetried").asInt()).isPositive();
        awaitJson("/api/v1/consents/" + orphan, n -> n.get("recordedStatus").asText().equals("AUTHORISED"));
        assertThat(get("/api/v1/operator/dead-letters").body()).doesNotContain(orphan);
    }
}
