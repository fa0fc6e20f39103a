package io.consentledger.query;

import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.note.NoteVerifier;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16, end to end over HTTP on the query side: a customer's data is erased as the command side erases it (the
 * key destroyed, then CustomerDataErased). Afterwards the access history has the same records with the same
 * identifiers, no collection holds the personal values any more, and the signed checkpoint for the same tree size
 * has the same root: the leaves hash the stored (encrypted) bytes, which erasure does not touch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=erasure-test", "consent-ledger.log.checkpoint-interval=100ms",
                "consent-ledger.log.poll-interval=50ms", "consent-ledger.log.integrity-interval=1h"})
class ErasureProofTest extends HttpTestSupport {

    static final NoteSigner KEY = NoteSigner.generate("test.consent-ledger.example/log");
    static final NoteVerifier VERIFIER = KEY.verifier();

    @DynamicPropertySource
    static void signingKey(DynamicPropertyRegistry registry) {
        registry.add("consent-ledger.log.signing-key", KEY::skey);
    }

    @Autowired
    CustomerKeys keys;
    @Autowired
    MongoDatabase db;

    private Checkpoint checkpointCovering(long position) {
        List<Checkpoint> latest = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Response response = get("/api/v1/log/checkpoint");
            if (response.status() != 200) {
                return false;
            }
            latest.clear();
            latest.add(Checkpoint.open(response.body(), VERIFIER));
            return latest.get(0).size() > position;
        });
        return latest.get(0);
    }

    private static List<String> proofFields(JsonNode page) {
        List<String> rows = new ArrayList<>();
        for (JsonNode record : page.get("records")) {
            rows.add(String.join("|", record.path("eventId").asText(), record.path("globalPosition").asText(),
                                 record.path("consentId").asText(), record.path("recipientId").asText(),
                                 record.path("purpose").asText(), record.path("sharedAt").asText(),
                                 record.path("scope").asText(), record.path("linkId").asText()));
        }
        return rows;
    }

    /** Every document of the notification collections (feed, outbox, deliveries), as text. */
    private String notifications() {
        StringBuilder all = new StringBuilder();
        for (String name : db.listCollectionNames()) {
            if (name.startsWith("notification")) {
                db.getCollection(name).find().forEach(document -> all.append(name).append(' ').append(document.toJson()).append('\n'));
            }
        }
        return all.toString();
    }

    /** Every document of every collection, as text. */
    private String everything() {
        StringBuilder all = new StringBuilder();
        for (String name : db.listCollectionNames()) {
            for (Document document : db.getCollection(name).find()) {
                all.append(name).append(' ').append(document.toJson()).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void afterErasureTheProofAndTheAccessHistoryStayAndThePersonalValuesAreGone() {
        String consent = "consent-e-" + id;
        String link = "link-e-" + id;
        String customer = "cust-e-" + id;
        List<String> personal = List.of("acc-" + link, "98765.43", "1234.5", "tx-e-" + id);
        Instant now = Instant.now();
        script.link(link, customer, "bank-1")
              .requestConsent(consent, "messenger", customer, link, EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(10))
              .authorise(consent)
              .shareBalance(consent, "98765.43", now.minusSeconds(7200))
              .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                 io.consentledger.query.LedgerScript.tx("tx-e-" + id, "-1234.50", now.minusSeconds(60)));
        String history = "/api/v1/audit/access?consentId=" + consent;
        JsonNode before = awaitJson(history, page -> page.get("records").size() == 2);
        long last = before.get("records").get(1).get("globalPosition").asLong();
        // before: the values are there, and nothing reads as erased
        assertThat(before.get("records").get(1).get("transactionIds").toString()).contains("tx-e-" + id);
        assertThat(before.findValues("erased")).hasSize(2).allMatch(erased -> erased.isBoolean() && !erased.asBoolean());
        JsonNode balanceBefore = awaitJson("/api/v1/links/" + link + "/balance",
                                           balance -> balance.path("transactionsSinceBalance").asInt() == 1);
        assertThat(balanceBefore.get("amount").decimalValue()).isEqualByComparingTo("97530.93");
        assertThat(balanceBefore.get("erased").asBoolean()).isFalse();
        Checkpoint covering = checkpointCovering(last);
        // the event store never held them in the clear; the read models did, until now
        String events = db.getCollection("events").find().into(new ArrayList<>()).toString();
        personal.forEach(value -> assertThat(events).as(value).doesNotContain(value));
        assertThat(everything()).contains("tx-e-" + id);
        // notifications are thin: the feed and the deliveries name the share, never a personal value, even before erasure
        await().atMost(Duration.ofSeconds(20)).until(() -> notifications().contains(consent));
        String notifications = notifications();
        personal.forEach(value -> assertThat(notifications).as(value).doesNotContain(value));

        // what the command side does on erasure: destroy the key, then record it
        keys.destroy("bank-1/" + customer);
        script.plant("Customer", "bank-1/" + customer, new CustomerDataErased("bank-1", customer, Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.getCollection("access_records")
                .find(eq("consentId", consent)).into(new ArrayList<>()).stream().allMatch(d -> d.getBoolean("erased", false)));

        JsonNode after = awaitJson(history, page -> page.get("records").size() == 2);
        assertThat(proofFields(after)).isEqualTo(proofFields(before));
        // after: null plus erased: true, in every response that carried a personal value
        for (JsonNode record : after.get("records")) {
            assertThat(record.get("erased").asBoolean()).as(record.toString()).isTrue();
            assertThat(record.get("transactionIds").isNull()).as(record.toString()).isTrue();
            assertThat(record.get("newTransactionIds").isNull()).as(record.toString()).isTrue();
        }
        JsonNode balanceAfter = awaitJson("/api/v1/links/" + link + "/balance", balance -> balance.path("erased").asBoolean());
        assertThat(balanceAfter.get("amount").isNull()).as(balanceAfter.toString()).isTrue();
        assertThat(balanceAfter.get("latestTransactionBookedAt").isNull()).isTrue();
        assertThat(balanceAfter.get("transactionsSinceBalance").asInt()).isZero();
        assertThat(balanceAfter.get("amountOutOfRange").asBoolean()).isFalse();
        assertThat(balanceAfter.get("linkId").asText()).isEqualTo(link);
        assertThat(balanceAfter.get("asOf").asText()).isEqualTo(balanceBefore.get("asOf").asText());
        assertThat(balanceAfter.get("derivedFrom").get(0)).isEqualTo(balanceBefore.get("derivedFrom").get(0));
        String csv = get("/api/v1/audit/access/export?format=csv&consentId=" + consent).body();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",erased");
        assertThat(csv.lines().skip(1).toList()).hasSize(2).allMatch(line -> line.endsWith(",true"));
        String remaining = everything();
        personal.forEach(value -> assertThat(remaining).as(value).doesNotContain(value));
        Response stored = get("/api/v1/log/checkpoints?size=" + covering.size(), MESSENGER);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(Checkpoint.open(stored.body(), VERIFIER).rootHash()).isEqualTo(covering.rootHash());
        Checkpoint later = checkpointCovering(last + 1);
        Response proof = get("/api/v1/log/proofs/consistency?from=" + covering.size() + "&to=" + later.size(), MESSENGER);
        assertThat(proof.status()).as(proof.body()).isEqualTo(200);
        ConsistencyProof.fromJson(proof.body()).verify(covering.rootHash(), later.rootHash());
    }
}
