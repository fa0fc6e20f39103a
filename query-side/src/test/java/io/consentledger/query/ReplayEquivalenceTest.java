package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.compliance.ComplianceMonitor;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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

    @Autowired
    CustomerKeys keys;

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

        replayEachProjectionAndCompare();
    }

    /**
     * Issue 16: after a customer's personal data is erased, a replay of every projection gives the read model the live
     * run left: the same records and balances, read as erased, and the same findings, the window finding included
     * (its booking times are gone from the events; the reset keeps it).
     */
    @Test
    void aReplayAfterAnErasureRebuildsTheSameErasedReadModel() {
        String customer = "erased-" + id;
        String link = "link-x-" + id;
        String consent = "x-" + id;
        script.link(link, customer, LedgerScript.PROVIDER)
              .requestConsent(consent, LedgerScript.RECIPIENT, customer, link, EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(50))
              .authorise(consent)
              .later(Duration.ofMinutes(1)).shareBalance(consent, "120.00", script.now())
              .later(Duration.ofMinutes(1)).shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                                              tx("in-" + id, "-2.00", script.now().minusSeconds(5)),
                                                              tx("old-" + id, "-3.00", script.now().minus(Duration.ofDays(400))));
        // a link of the customer with transactions only, and no balance
        script.link(link + "-2", customer, LedgerScript.PROVIDER)
              .requestConsent(consent + "-2", LedgerScript.RECIPIENT, customer, link + "-2", EnumSet.of(Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(50))
              .authorise(consent + "-2")
              .later(Duration.ofMinutes(1)).shareTransactions(consent + "-2", Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                                              tx("in2-" + id, "-4.00", script.now().minusSeconds(5)));
        awaitJson("/api/v1/audit/access?customerId=" + customer, n -> n.get("records").size() == 3);
        awaitJson("/api/v1/links/" + link + "-2/balance", n -> n.path("transactionsSinceBalance").asInt() == 1);
        awaitJson("/api/v1/audit/compliance?consentId=" + consent,
                  n -> n.get("violations").toString().contains("OUTSIDE_WINDOW"));

        keys.destroy(LedgerScript.PROVIDER + "/" + customer);
        script.plant("Customer", LedgerScript.PROVIDER + "/" + customer,
                     new CustomerDataErased(LedgerScript.PROVIDER, customer, Instant.now()));
        JsonNode report = awaitJson("/api/v1/audit/compliance?consentId=" + consent,
                                    n -> n.get("violations").size() > 0 && n.get("violations").get(0).path("erased").asBoolean());
        assertThat(report.toString()).doesNotContain("old-" + id);
        awaitJson("/api/v1/audit/access?customerId=" + customer,
                  n -> n.findValues("erased").stream().allMatch(JsonNode::asBoolean));
        awaitJson("/api/v1/links/" + link + "/balance", n -> n.path("erased").asBoolean());
        awaitJson("/api/v1/links/" + link + "-2/balance", n -> n.path("erased").asBoolean());
        awaitCaughtUp();

        replayEachProjectionAndCompare();
        String everything = String.join("\n", List.of("access-log", "balances", "compliance").stream()
                                                       .flatMap(p -> dump(p).stream()).map(Document::toJson).toList());
        assertThat(everything).doesNotContain("old-" + id).doesNotContain("in-" + id).doesNotContain("in2-" + id)
                              .doesNotContain("120.00");
    }

    /** Replays each projection in turn: each rebuilds exactly the read model it had. */
    private void replayEachProjectionAndCompare() {
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
                // a customer's consents are stored in the order the consents' segments handled them; reads order them
                // newest request first, then id (ConsentViews), so the stored order is no part of the read model
                if (document.get("consentIds") instanceof List<?> ids) {
                    document.put("consentIds", ids.stream().map(String::valueOf).sorted().toList());
                }
                all.add(document);
            });
        }
        return all;
    }
}
