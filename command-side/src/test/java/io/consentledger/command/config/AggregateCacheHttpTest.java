package io.consentledger.command.config;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side caches consents and links, and a cached aggregate never hides what another command-side instance
 * has appended to the shared store. "Another instance" is simulated by appending straight to the store, past this
 * instance's repositories and caches.
 */
class AggregateCacheHttpTest extends HttpTestSupport {

    @Autowired
    MeterRegistry registry;

    private double loads(String aggregate, String outcome) {
        var counter = registry.find("ledger.aggregate.loads").tag("aggregate", aggregate).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void sharesAreServedFromTheCache() {
        String[] ids = authorisedConsent("{\"maxPerDay\": 10}");
        double consentHits = loads("Consent", "hit");
        double linkHits = loads("BankAccountLink", "hit");

        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1.00", "EUR")).status())
                    .isEqualTo(201);
        }

        assertThat(loads("Consent", "hit") - consentHits).isGreaterThanOrEqualTo(3);
        assertThat(loads("BankAccountLink", "hit") - linkHits).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aConsentAuthorisedByAnotherInstanceIsSeenAsAuthorisedAtOnce() {
        String customerId = id("cust");
        String linkId = link(customerId);
        String consentId = id("consent");
        Instant expiresAt = clock.instant().plus(90, ChronoUnit.DAYS);
        assertThat(post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]",
                "{\"maxPerDay\": 4}")).status()).isEqualTo(201);
        // This instance now holds the consent, awaiting authorisation, in its cache. (A refused command would evict
        // it: its unit of work rolls back.)

        storageEngine.appendEvents(new GenericDomainEventMessage<>("Consent", consentId, 1, new ConsentAuthorised(
                consentId, "messenger", customerId, "bank-1",
                new AuthorisationEvidence("MOBILE_APP", clock.instant().minusSeconds(5), "tc-7"), expiresAt,
                clock.instant())));

        Response shared = post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1.00", "EUR"));
        assertThat(shared.status()).as(shared.raw()).isEqualTo(201);
    }

    @Test
    void aLinkUnlinkedByAnotherInstanceRefusesSharesAtOnce() {
        String[] ids = authorisedConsent("{\"maxPerDay\": 10}");
        assertThat(post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1.00", "EUR")).status())
                .isEqualTo(201);
        BankAccountLinked linked = (BankAccountLinked) storageEngine.readEvents(ids[0]).asStream().findFirst()
                                                                    .orElseThrow().getPayload();

        storageEngine.appendEvents(new GenericDomainEventMessage<>("BankAccountLink", ids[0], 1, new BankAccountUnlinked(
                ids[0], linked.customerId(), "bank-1", Initiator.CUSTOMER, clock.instant())));

        // This instance's cache still has the link as linked: only the probe tells. Unless this instance's unlink
        // processor has already revoked the consent (it follows the same store, every 20 ms): then the consent's
        // probe tells. Either way the cached state must not let the share through.
        Response shared = post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1.00", "EUR"));
        assertThat(shared.status()).as(shared.raw()).isEqualTo(409);
        assertThat(shared.text("code")).as(shared.raw()).isIn("LINK_UNLINKED", "CONSENT_REVOKED");
    }
}
