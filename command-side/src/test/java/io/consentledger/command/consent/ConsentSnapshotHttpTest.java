package io.consentledger.command.consent;

import com.mongodb.client.MongoDatabase;
import io.consentledger.command.testing.HttpTestSupport;
import org.axonframework.eventhandling.DomainEventMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consent loaded from a snapshot behaves exactly as one loaded from its whole history. The aggregate cache is off
 * here, so that every command loads the consent from the store: snapshot, then the events after it.
 */
@TestPropertySource(properties = {"consent-ledger.snapshots.consent-every=5", "consent-ledger.aggregate-cache.max-entries=0"})
class ConsentSnapshotHttpTest extends HttpTestSupport {

    @Autowired
    MongoDatabase database;

    @Test
    void aSnapshottedConsentStillCountsItsSharesAndKeepsItsRules() {
        String[] created = authorisedConsent("{\"maxPerDay\": 12}");
        String linkId = created[0];
        String consentId = created[1];

        String firstShare = """
                {"shareId": "%s-first", "linkId": "%s", "amount": 0.00, "currency": "EUR", "asOf": "%s", "purpose": "FRAUD_ALERTS"}
                """.formatted(consentId, linkId, clock.instant());
        for (int i = 0; i < 12; i++) {
            Response shared = post("/api/v1/consents/" + consentId + "/shares/balance",
                    i == 0 ? firstShare : balanceJson(linkId, i + ".00", "EUR"));
            assertThat(shared.status()).as("share %d: %s", i + 1, shared.raw()).isEqualTo(201);
        }

        // Snapshots are taken in the background, after the triggering command was answered.
        DomainEventMessage<?> snapshot = Awaitility.await().atMost(Duration.ofSeconds(10))
                                                   .until(() -> storageEngine.readSnapshot(consentId).orElse(null),
                                                          s -> s != null && s.getSequenceNumber() >= 5);
        assertThat(snapshot.getSequenceNumber()).isGreaterThanOrEqualTo(5);

        // the rest of its state survived: another currency than the link's is still refused
        Response dollars = post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1.00", "USD"));
        assertThat(dollars.status()).isEqualTo(409);
        // and the 13th share of the day is refused: the count survived the snapshot
        Response thirteenth = post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "13.00", "EUR"));
        assertThat(thirteenth.status()).isEqualTo(429);
        // and the share ids it recorded: the first share sent again is answered as before, not recorded again
        Response retried = post("/api/v1/consents/" + consentId + "/shares/balance", firstShare);
        assertThat(retried.status()).as(retried.raw()).isEqualTo(201);
        assertThat(retried.text("shareId")).isEqualTo(consentId + "-first");
        // (read from the first event: the event store's own read starts at the snapshot)
        assertThat(storageEngine.readEvents(consentId, 0L).asStream().map(m -> m.getPayload()))
                .filteredOn(e -> e instanceof io.consentledger.contracts.share.BalanceShared).hasSize(12);
    }

    /**
     * Issue 16: encryption at rest covers snapshots. A consent's snapshot holds its links' account ids and the ids of
     * the transactions shared under it: stored, it holds neither in the clear, only the customer's envelope.
     */
    @Test
    void aSnapshotHoldsNoPlaintextPersonalValue() {
        String[] created = authorisedConsent("{\"maxPerDay\": 20}");
        String linkId = created[0];
        String consentId = created[1];
        String transactionId = "tx-snap-" + consentId;
        Response transactions = post("/api/v1/consents/" + consentId + "/shares/transactions", """
                {"linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [{"transactionId": "%s", "bookedAt": "%s",
                 "amount": -17.31, "currency": "EUR", "description": "coffee", "channel": "card"}]}
                """.formatted(linkId, transactionId, clock.instant().minusSeconds(60)));
        assertThat(transactions.status()).as(transactions.raw()).isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "4321.0" + i, "EUR")).status())
                    .isEqualTo(201);
        }
        DomainEventMessage<?> snapshot = Awaitility.await().atMost(Duration.ofSeconds(10))
                                                   .until(() -> storageEngine.readSnapshot(consentId).orElse(null),
                                                          s -> s != null && s.getSequenceNumber() >= 2);
        assertThat(snapshot.getPayload()).isNotNull(); // it opens

        org.bson.Document stored = database.getCollection("snapshots").find(com.mongodb.client.model.Filters.eq("_id", consentId)).first();
        assertThat(stored).isNotNull();
        assertThat(stored.toJson()).contains("@personal").contains("bank-1/")
                                   .doesNotContain("acc-" + linkId).doesNotContain(transactionId);
        // what the store holds, snapshots included, for the scenario's personal values
        for (String collection : List.of("events", "snapshots")) {
            String all = database.getCollection(collection).find().map(org.bson.Document::toJson)
                                 .into(new java.util.ArrayList<>()).toString();
            assertThat(all).as(collection).doesNotContain("acc-" + linkId).doesNotContain(transactionId)
                           .doesNotContain("17.31").doesNotContain("4321.0");
        }
    }
}
