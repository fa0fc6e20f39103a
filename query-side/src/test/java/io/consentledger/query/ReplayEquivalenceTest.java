package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.compliance.ComplianceMonitor;
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

/** Reset and rebuild produce an identical read model, for every projection. Its own store. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=replay-test"})
class ReplayEquivalenceTest extends HttpTestSupport {

    @Test
    void aReplayRebuildsAnIdenticalReadModel() {
        String customer = "customer-" + id;
        script.link("link-" + id, customer, LedgerScript.PROVIDER)
              .requestConsent("r-" + id, LedgerScript.RECIPIENT, customer, "link-" + id, EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(50))
              .authorise("r-" + id);
        for (int i = 0; i < 10; i++) {
            script.later(Duration.ofMinutes(1)).shareBalance("r-" + id, i + "0.00", script.now())
                  .shareTransactions("r-" + id, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                     tx("t" + i, "-1.00", script.now().plusSeconds(1)));
        }
        awaitJson("/api/v1/audit/access?customerId=" + customer + "&limit=500", n -> n.get("records").size() == 20);
        awaitCaughtUp();

        for (String processor : List.of("access-log", "balances", "consents", "compliance")) {
            List<Document> before = dump(processor);
            assertThat(post("/api/v1/operator/processors/" + processor + "/replay").status()).isEqualTo(202);
            awaitCaughtUp();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(dump(processor)).as(processor).isEqualTo(before));
        }
    }

    private void awaitCaughtUp() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode processors = get("/api/v1/operator/processors").json();
            long head = get("/api/v1/audit/compliance").json().get("logHeadPosition").asLong();
            for (JsonNode p : processors) {
                if (p.get("replaying").asBoolean() || p.get("slowestPosition").isNull()
                        || p.get("slowestPosition").asLong() < head) {
                    return false;
                }
            }
            return true;
        });
    }

    private List<Document> dump(String processor) {
        List<String> collections = switch (processor) {
            case "access-log" -> List.of(AccessLogProjection.RECORDS);
            case "balances" -> List.of("link_balances");
            case "consents" -> List.of("consent_views", "customer_consents");
            default -> List.of("compliance_consents", "compliance_links", "compliance_checked", "compliance_violations");
        };
        List<Document> all = new ArrayList<>();
        for (String name : collections) {
            database.getCollection(name).find().sort(new Document("_id", 1)).forEach(document -> {
                ComplianceMonitor.BATCH_FIELDS.forEach(document::remove); // which batch wrote it, not what it holds
                all.add(document);
            });
        }
        return all;
    }
}
