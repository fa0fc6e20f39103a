package io.consentledger.query;

import io.consentledger.query.log.CheckpointHistory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application as it starts today, with no checkpoint history of the log's own: the fallback answers every
 * point-in-time request 404 {@code checkpoint-not-found}, never with today's answer. Once the log's checkpoint
 * history is merged, this test should instead check that the real bean serves (and that the fallback steps aside).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class NoCheckpointYetApiTest extends HttpTestSupport {

    @Autowired
    CheckpointHistory history;

    @Test
    void everyPointInTimeRequestIsACheckpointNotFoundProblem() {
        assertThat(history.latest()).isEmpty();
        for (String path : new String[]{"/api/v1/consents/c-" + id, "/api/v1/customers/customer-1/consents",
                "/api/v1/audit/access", "/api/v1/audit/access/export"}) {
            Response response = get(path + "?asOf=2026-12-01T00:00:00Z");
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("code").asText()).isEqualTo("CHECKPOINT_NOT_FOUND");
            assertThat(response.json().get("detail").asText())
                    .isEqualTo("No checkpoint signed at or before 2026-12-01T00:00:00Z");
        }
    }
}
