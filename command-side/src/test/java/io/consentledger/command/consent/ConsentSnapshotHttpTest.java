package io.consentledger.command.consent;

import io.consentledger.command.testing.HttpTestSupport;
import org.axonframework.eventhandling.DomainEventMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consent loaded from a snapshot behaves exactly as one loaded from its whole history. The aggregate cache is off
 * here, so that every command loads the consent from the store: snapshot, then the events after it.
 */
@TestPropertySource(properties = {"consent-ledger.snapshots.consent-every=5", "consent-ledger.aggregate-cache.max-entries=0"})
class ConsentSnapshotHttpTest extends HttpTestSupport {

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
}
