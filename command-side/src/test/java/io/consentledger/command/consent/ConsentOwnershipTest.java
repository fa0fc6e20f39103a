package io.consentledger.command.consent;

import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.AuthoriseConsent;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RejectConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.consentledger.command.testing.Refusals.refusal;
import static io.consentledger.contracts.common.RefusalReason.CONSENT_UNKNOWN;

/**
 * Object-level checks in the aggregate, from the party in the command's metadata: someone else's consent is
 * answered exactly like an unknown one (reason and detail), whatever its state; a command without a party is
 * refused; a party acting as an initiator it cannot be is forbidden.
 */
class ConsentOwnershipTest extends ConsentFixture {

    private static final Object[] PROVIDER_COMMANDS = {
            new AuthoriseConsent(CONSENT, EVIDENCE),
            new RejectConsent(CONSENT, Initiator.CUSTOMER),
            new ReauthoriseConsent(CONSENT, EXPIRES.plus(Duration.ofDays(10)), EVIDENCE),
            new ShareBalance(CONSENT, "s-1", "link-1", new BigDecimal("10.00"), "EUR", NOW, Purpose.FRAUD_ALERTS),
            new ShareTransactions(CONSENT, "s-2", "link-1", List.of(tx("t-1", NOW.minusSeconds(60))), Purpose.FRAUD_ALERTS),
            new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER)};

    private void expectUnknown(Map<String, ?> metaData, Object command, Object... given) {
        fixture.given(given)
               .when(command, metaData)
               .expectNoEvents()
               .expectException(LedgerRefusal.class)
               .expectException(refusal(CONSENT_UNKNOWN))
               .expectExceptionMessage("No such id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROVIDER:bank-2", "RECIPIENT:messenger", "RECIPIENT:voice-assistant", "AUDITOR",
            "OPERATOR", "PROVIDER:", "PROVIDER", "bank-1", ""})
    void anotherPartysCommandsOnTheConsentAreAnsweredAsUnknown(String party) {
        for (Object command : PROVIDER_COMMANDS) {
            if (command instanceof RevokeConsent && party.equals("RECIPIENT:messenger")) {
                continue; // the consent's own recipient may revoke (as RECIPIENT; see below)
            }
            expectUnknown(Map.of("party", party), command, requested(), authorised());
        }
    }

    @Test
    void aCommandWithoutAPartyIsRefused() {
        fixture.given(requested(), authorised())
               .when(new AuthoriseConsent(CONSENT, EVIDENCE), Map.of("principal", "someone"))
               .expectNoEvents()
               .expectException(refusal(CONSENT_UNKNOWN));
    }

    @Test
    void aTerminalConsentOfAnotherProviderLooksUnknownNotRevoked() {
        ConsentRevoked revoked = new ConsentRevoked(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, NOW.minusSeconds(10));
        expectUnknown(Map.of("party", "PROVIDER:bank-2"), new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST,
                Initiator.PROVIDER), requested(), authorised(), revoked);
        expectUnknown(Map.of("party", "RECIPIENT:voice-assistant"), new RevokeConsent(CONSENT,
                RevocationReason.CUSTOMER_REQUEST, Initiator.RECIPIENT), requested(), authorised(), revoked);
    }

    @Test
    void theRecipientRevokesItsOwnConsentAsRecipientOnly() {
        fixture.given(requested(), authorised())
               .when(new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.RECIPIENT),
                     Map.of("party", "RECIPIENT:messenger"))
               .expectSuccessfulHandlerExecution();
        fixture.given(requested(), authorised())
               .when(new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.PROVIDER),
                     Map.of("party", "RECIPIENT:messenger"))
               .expectNoEvents()
               .expectException(Forbidden.class);
    }

    @Test
    void theProviderRevokesAsProviderOrForTheCustomerNeverAsSystem() {
        fixture.given(requested(), authorised())
               .when(new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.SYSTEM),
                     Map.of("party", "PROVIDER:bank-1"))
               .expectNoEvents()
               .expectException(Forbidden.class);
    }

    @Test
    void aRecipientRequestsForItselfOnly() {
        fixture.givenNoPriorActivity()
               .when(request(java.util.Set.of(io.consentledger.contracts.common.Scope.BALANCES),
                             java.util.Set.of(Purpose.FRAUD_ALERTS), EXPIRES, "link-1"),
                     Map.of("party", "RECIPIENT:voice-assistant"))
               .expectNoEvents()
               .expectException(Forbidden.class);
        fixture.givenNoPriorActivity()
               .when(request(java.util.Set.of(io.consentledger.contracts.common.Scope.BALANCES),
                             java.util.Set.of(Purpose.FRAUD_ALERTS), EXPIRES, "link-1"),
                     Map.of("party", "PROVIDER:bank-1"))
               .expectNoEvents()
               .expectException(Forbidden.class);
    }
}
