package io.consentledger.query;

import io.consentledger.eventstore.EventLog;
import io.consentledger.query.log.CheckpointHistory;
import io.consentledger.query.log.SignedCheckpoint;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-in-time audit over real HTTP: {@code asOf} and {@code asOfSize} on the consent, the dashboard, the access
 * pages and the export, and their problems. The checkpoints are the ledger's own, signed by the tree builder as the
 * log grows; the test waits for one that covers each part of the history.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class PointInTimeApiTest extends HttpTestSupport {

    /** Before any checkpoint the ledger can have signed. */
    private static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");

    @Autowired
    CheckpointHistory checkpoints;
    @Autowired
    EventLog eventLog;

    /** The two checkpoints of {@link #historyWithTwoCheckpoints}, and one signed before it began. */
    private SignedCheckpoint before;
    private SignedCheckpoint first;
    private SignedCheckpoint second;

    /** The first checkpoint the builder signs whose tree covers every position up to {@code position}. */
    private SignedCheckpoint awaitCheckpointCovering(long position) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                         .until(() -> checkpoints.latest().filter(c -> c.treeSize() > position).orElse(null),
                                java.util.Objects::nonNull);
    }

    /** A consent authorised with one share before the first checkpoint, revoked with one more share after it. */
    private long[] historyWithTwoCheckpoints(String consent, String customer) {
        script.link("link-" + id, customer, LedgerScript.PROVIDER);
        before = awaitCheckpointCovering(eventLog.head());
        script.requestConsent(consent, LedgerScript.RECIPIENT, customer, "link-" + id,
                              java.util.EnumSet.of(io.consentledger.contracts.common.Scope.BALANCES),
                              java.util.EnumSet.of(io.consentledger.contracts.common.Purpose.FRAUD_ALERTS),
                              io.consentledger.contracts.common.TransactionWindow.lookback(90),
                              io.consentledger.contracts.common.AccessFrequency.perDay(10))
              .authorise(consent)
              .later(Duration.ofMinutes(1)).shareBalance(consent, "1.00", script.now());
        first = awaitCheckpointCovering(eventLog.head());
        script.later(Duration.ofMinutes(1)).shareBalance(consent, "2.00", script.now()).revoke(consent);
        second = awaitCheckpointCovering(eventLog.head());
        awaitJson("/api/v1/consents/" + consent, n -> n.get("status").asText().equals("REVOKED"));
        awaitJson("/api/v1/audit/access?consentId=" + consent, n -> n.get("records").size() == 2);
        return new long[]{first.treeSize(), second.treeSize()};
    }

    @Test
    void aConsentAsOfACheckpointIsFoldedFromItsHistoryUpToIt() {
        String consent = "consent-" + id;
        long[] sizes = historyWithTwoCheckpoints(consent, "customer-" + id);

        JsonNode bySize = get("/api/v1/consents/" + consent + "?asOfSize=" + sizes[0]).json();
        assertThat(bySize.get("status").asText()).isEqualTo("AUTHORISED");
        assertThat(bySize.get("history")).hasSize(2);
        assertThat(bySize.get("history").get(1).get("leafIndex").asLong()).isLessThan(sizes[0]);
        assertThat(bySize.get("checkpoint").get("treeSize").asLong()).isEqualTo(sizes[0]);
        assertThat(bySize.get("checkpoint").get("rootHash").asText()).isEqualTo(first.rootHashBase64());
        assertThat(Instant.parse(bySize.get("checkpoint").get("signedAt").asText())).isEqualTo(first.signedAt());

        // asOf: the latest checkpoint signed at or before the instant
        JsonNode between = get("/api/v1/consents/" + consent + "?asOf=" + q(first.signedAt().toString())).json();
        assertThat(between).isEqualTo(bySize);
        JsonNode later = get("/api/v1/consents/" + consent + "?asOf=" + q(second.signedAt().toString())).json();
        assertThat(later.get("status").asText()).isEqualTo("REVOKED");
        assertThat(later.get("checkpoint").get("treeSize").asLong()).isEqualTo(sizes[1]);

        JsonNode today = get("/api/v1/consents/" + consent).json();
        assertThat(today.get("status").asText()).isEqualTo("REVOKED");
        assertThat(today.get("checkpoint").isNull()).isTrue();
        assertThat(today.get("history")).allSatisfy(entry -> assertThat(entry.get("leafIndex").isIntegralNumber()).isTrue());
    }

    @Test
    void theDashboardAsOfACheckpointLeavesOutConsentsRequestedAfterIt() {
        String customer = "customer-" + id;
        long[] sizes = historyWithTwoCheckpoints("consent-" + id, customer);

        JsonNode atFirst = get("/api/v1/customers/" + customer + "/consents?asOfSize=" + sizes[0]).json();
        assertThat(atFirst).hasSize(1);
        assertThat(atFirst.get(0).get("status").asText()).isEqualTo("AUTHORISED");
        assertThat(atFirst.get(0).get("checkpoint").get("treeSize").asLong()).isEqualTo(sizes[0]);
        assertThat(get("/api/v1/customers/" + customer + "/consents?asOfSize=" + before.treeSize()).json()).isEmpty();
    }

    @Test
    void accessRecordsAsOfACheckpointAreThoseItsTreeCovers() throws Exception {
        String consent = "consent-" + id;
        long[] sizes = historyWithTwoCheckpoints(consent, "customer-" + id);

        JsonNode page = get("/api/v1/audit/access?consentId=" + consent + "&asOfSize=" + sizes[0]).json();
        assertThat(page.get("records")).hasSize(1);
        JsonNode record = page.get("records").get(0);
        assertThat(record.get("leafIndex").asLong()).isEqualTo(record.get("globalPosition").asLong())
                                                    .isLessThan(sizes[0]);
        assertThat(page.get("checkpoint").get("treeSize").asLong()).isEqualTo(sizes[0]);
        JsonNode today = get("/api/v1/audit/access?consentId=" + consent).json();
        assertThat(today.get("records")).hasSize(2);
        assertThat(today.get("checkpoint").isNull()).isTrue();

        HttpResponse<String> csv = raw("/api/v1/audit/access/export?format=csv&consentId=" + consent + "&asOf="
                                               + q(first.signedAt().toString()));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Ledger-Checkpoint-Size")).hasValue(String.valueOf(sizes[0]));
        assertThat(csv.headers().firstValue("Ledger-Checkpoint-Root")).hasValue(first.rootHashBase64());
        assertThat(csv.headers().firstValue("Ledger-Checkpoint-Signed-At")).hasValue(first.signedAt().toString());
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).endsWith(",leafIndex,erased");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("," + record.get("leafIndex").asLong() + ",false");

        HttpResponse<String> ndjson = raw("/api/v1/audit/access/export?consentId=" + consent + "&asOfSize=" + sizes[1]);
        assertThat(ndjson.headers().firstValue("Ledger-Checkpoint-Size")).hasValue(String.valueOf(sizes[1]));
        assertThat(ndjson.body().lines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"leafIndex\":"));
        assertThat(raw("/api/v1/audit/access/export?consentId=" + consent).headers()
                           .firstValue("Ledger-Checkpoint-Size")).isEmpty();
    }

    @Test
    void badPointsInTimeAreProblems() {
        String consent = "consent-" + id;
        historyWithTwoCheckpoints(consent, "customer-" + id);
        List<String> paths = List.of("/api/v1/consents/" + consent, "/api/v1/customers/customer-" + id + "/consents",
                                     "/api/v1/audit/access", "/api/v1/audit/access/export");
        for (String path : paths) {
            assertProblem(get(path + "?asOf=yesterday"), 400, null);
            assertProblem(get(path + "?asOfSize=ten"), 400, null);
            assertProblem(get(path + "?asOfSize=-1"), 400, "INVALID_REQUEST");
            assertProblem(get(path + "?asOfSize=1&asOf=" + q(second.signedAt().toString())), 400, "INVALID_REQUEST");
            Response none = get(path + "?asOf=" + q(LONG_AGO.toString()));
            assertProblem(none, 404, "CHECKPOINT_NOT_FOUND");
            assertThat(none.json().get("detail").asText()).isEqualTo("No checkpoint signed at or before " + LONG_AGO);
            assertProblem(get(path + "?asOfSize=999999"), 404, "CHECKPOINT_NOT_FOUND");
        }
    }

    @Test
    void beforeAnyCheckpointIsAProblemNotAnAnswerOfToday() {
        String consent = "consent-" + id;
        historyWithTwoCheckpoints(consent, "customer-" + id);
        assertThat(checkpoints.atSize(second.treeSize() + 1_000_000)).isEmpty();
        for (String path : List.of("/api/v1/consents/" + consent, "/api/v1/customers/customer-" + id + "/consents",
                                   "/api/v1/audit/access", "/api/v1/audit/access/export")) {
            assertProblem(get(path + "?asOf=" + q(LONG_AGO.toString())), 404, "CHECKPOINT_NOT_FOUND");
            assertProblem(get(path + "?asOfSize=" + (second.treeSize() + 1_000_000)), 404, "CHECKPOINT_NOT_FOUND");
        }
    }

    /** A view stored before leaf indexes existed cannot say what the log held at a checkpoint: 409, replay first. */
    @Test
    void aViewStoredBeforeLeafIndexesAsksForAReplay() {
        String consent = "consent-" + id;
        long[] sizes = historyWithTwoCheckpoints(consent, "customer-" + id);
        database.getCollection("consent_views").updateOne(new org.bson.Document("_id", consent),
                new org.bson.Document("$unset", new org.bson.Document("history.0.leafIndex", "")));
        Response old = get("/api/v1/consents/" + consent + "?asOfSize=" + sizes[1]);
        assertProblem(old, 409, "REPLAY_REQUIRED");
        assertThat(old.json().get("detail").asText()).contains("replay the consents processor");
        assertThat(get("/api/v1/consents/" + consent).status()).as("today's view still answers").isEqualTo(200);
    }

    private static void assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(response.json().get("code").asText()).isEqualTo(code);
        }
    }

    private HttpResponse<String> raw(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .header("Authorization", authorization(path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
