package io.consentledger.command.consent;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.AuthoriseConsent;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ExpireConsent;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RejectConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.consentledger.command.testing.Refusals.refusal;
import static io.consentledger.contracts.common.RefusalReason.*;

class ConsentLifecycleTest extends ConsentFixture {

    private static final Set<Purpose> FRAUD = Set.of(Purpose.FRAUD_ALERTS);
    private static final Set<Scope> BALANCES_AND_TRANSACTIONS = Set.of(Scope.BALANCES, Scope.TRANSACTIONS);

    private void expectRefused(Object command, RefusalReason reason, Object... given) {
        fixture.given(given)
               .when(command)
               .expectNoEvents()
               .expectException(LedgerRefusal.class)
               .expectException(refusal(reason));
    }

    private void expectRequestRefused(Object command, RefusalReason reason) {
        fixture.givenNoPriorActivity()
               .when(command)
               .expectNoEvents()
               .expectException(refusal(reason));
    }

    @Nested
    class Request {

        @Test
        void aRequestAwaitsAuthorisationAndCapturesEachLink() {
            fixture.givenNoPriorActivity()
                   .when(request(BALANCES_AND_TRANSACTIONS, FRAUD, EXPIRES, "link-1", "link-2"))
                   .expectSuccessfulHandlerExecution()
                   .expectEvents(new ConsentRequested(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of(LINK_1, LINK_2),
                           BALANCES_AND_TRANSACTIONS, Set.of(Scope.BALANCES, Scope.TRANSACTIONS, Scope.TRANSACTIONS_VIA_RECIPIENT),
                           FRAUD, EXPIRES, TransactionWindow.lookback(90), AccessFrequency.perDay(4), NOW));
        }

        @Test
        void aBasicScopeImpliesNothingMore() {
            fixture.givenNoPriorActivity()
                   .when(request(Set.of(Scope.TRANSACTIONS_VIA_RECIPIENT), FRAUD, EXPIRES, "link-1"))
                   .expectEvents(new ConsentRequested(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of(LINK_1),
                           Set.of(Scope.TRANSACTIONS_VIA_RECIPIENT), Set.of(Scope.TRANSACTIONS_VIA_RECIPIENT),
                           FRAUD, EXPIRES, TransactionWindow.lookback(90), AccessFrequency.perDay(4), NOW));
        }

        @ParameterizedTest
        @EnumSource(value = Purpose.class, names = {"ADVERTISING", "CROSS_SELLING", "DATA_SALE"})
        void prohibitedPurposesAreRefusedAtRequestTime(Purpose prohibited) {
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, Set.of(Purpose.FRAUD_ALERTS, prohibited), EXPIRES, "link-1"),
                    PROHIBITED_PURPOSE);
        }

        @Test
        void anUnknownLinkIsRefused() {
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, EXPIRES, "link-1", "link-nope"), LINK_UNKNOWN);
        }

        @Test
        void anUnlinkedLinkIsRefusedAsUnknown() {
            // Issue 14, finding 5: to the requesting recipient, an unlinked link is an unknown one.
            links.unlink("link-2");
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, EXPIRES, "link-1", "link-2"), LINK_UNKNOWN);
        }

        @Test
        void linksOfAnotherCustomerOrProviderAreRefusedAsUnknown() {
            // Issue 14, finding 5: whether two links share an owner is not the recipient's to learn.
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, EXPIRES, "link-1", "link-other-customer"),
                    LINK_UNKNOWN);
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, EXPIRES, "link-1", "link-other-bank"),
                    LINK_UNKNOWN);
        }

        @Test
        void expiryMustBeInTheFuture() {
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, NOW, "link-1"), EXPIRY_IN_PAST);
        }

        @Test
        void expiryAtMost365DaysAhead() {
            expectRequestRefused(request(BALANCES_AND_TRANSACTIONS, FRAUD, NOW.plus(Duration.ofDays(365)).plusNanos(1), "link-1"),
                    EXPIRY_TOO_FAR);
            fixture.givenNoPriorActivity()
                   .when(request(BALANCES_AND_TRANSACTIONS, FRAUD, NOW.plus(Duration.ofDays(365)), "link-1"))
                   .expectSuccessfulHandlerExecution();
        }
    }

    @Nested
    class Authorise {

        @Test
        void theProviderAuthorisesWithEvidence() {
            fixture.given(requested())
                   .when(new AuthoriseConsent(CONSENT, EVIDENCE))
                   .expectResultMessagePayload(ConsentStatus.AUTHORISED)
                   .expectEvents(new ConsentAuthorised(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, EVIDENCE, EXPIRES, NOW));
        }

        @Test
        void onlyOnce() {
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), CONSENT_NOT_AWAITING_AUTHORISATION, requested(), authorised());
        }

        @Test
        void theYearCountsFromTheEvidencedAuthorisation() {
            // Expires 90 days from now; the customer authorised 276 days ago: 276 + 90 > 365.
            AuthorisationEvidence old = new AuthorisationEvidence("BRANCH", NOW.minus(Duration.ofDays(276)), "disclosure-7");
            expectRefused(new AuthoriseConsent(CONSENT, old), EXPIRY_TOO_FAR, requested());
            AuthorisationEvidence inTime = new AuthorisationEvidence("BRANCH", NOW.minus(Duration.ofDays(275)), "disclosure-7");
            fixture.given(requested()).when(new AuthoriseConsent(CONSENT, inTime)).expectSuccessfulHandlerExecution();
        }

        @Test
        void notFromTheExpiryInstantOn() {
            clock.set(EXPIRES);
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), CONSENT_EXPIRED, requested());
        }

        @Test
        void notWhenALinkWasUnlinkedMeanwhile() {
            links.unlink("link-2");
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), LINK_UNLINKED, requested());
        }

        @Test
        void terminalStatesStayTerminal() {
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), CONSENT_REJECTED, requested(), rejected());
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), CONSENT_REVOKED, requested(), revoked());
            expectRefused(new AuthoriseConsent(CONSENT, EVIDENCE), CONSENT_EXPIRED, requested(), expired());
        }
    }

    @Nested
    class Reject {

        @Test
        void theCustomerRejects() {
            fixture.given(requested())
                   .when(new RejectConsent(CONSENT, Initiator.CUSTOMER))
                   .expectResultMessagePayload(ConsentStatus.REJECTED)
                   .expectEvents(new ConsentRejected(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, Initiator.CUSTOMER, NOW));
        }

        @Test
        void onlyWhileAwaitingAuthorisation() {
            expectRefused(new RejectConsent(CONSENT, Initiator.PROVIDER), CONSENT_NOT_AWAITING_AUTHORISATION, requested(), authorised());
            expectRefused(new RejectConsent(CONSENT, Initiator.PROVIDER), CONSENT_REJECTED, requested(), rejected());
        }
    }

    @Nested
    class Revoke {

        @ParameterizedTest
        @EnumSource(Initiator.class)
        void anyPartyRevokesAnAuthorisedConsent(Initiator initiator) {
            fixture.given(requested(), authorised())
                   .when(new RevokeConsent(CONSENT, RevocationReason.NO_LONGER_NEEDED, initiator))
                   .expectResultMessagePayload(ConsentStatus.REVOKED)
                   .expectEvents(new ConsentRevoked(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"),
                           RevocationReason.NO_LONGER_NEEDED, initiator, NOW));
        }

        @Test
        void aPendingRequestCanBeWithdrawn() {
            fixture.given(requested())
                   .when(new RevokeConsent(CONSENT, RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM))
                   .expectEvents(new ConsentRevoked(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"),
                           RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM, NOW));
        }

        @Test
        void terminalStatesStayTerminal() {
            RevokeConsent revoke = new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER);
            expectRefused(revoke, CONSENT_REVOKED, requested(), authorised(), revoked());
            expectRefused(revoke, CONSENT_REJECTED, requested(), rejected());
            expectRefused(revoke, CONSENT_EXPIRED, requested(), authorised(), expired());
        }

        @Test
        void anExpiredButNotYetRecordedConsentIsExpired() {
            clock.set(EXPIRES);
            expectRefused(new RevokeConsent(CONSENT, RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER), CONSENT_EXPIRED,
                    requested(), authorised());
        }
    }

    @Nested
    class Reauthorise {

        private final Instant newExpiry = NOW.plus(Duration.ofDays(365));

        @Test
        void renewsTheExpiryOfAnAuthorisedConsent() {
            fixture.given(requested(), authorised())
                   .when(new ReauthoriseConsent(CONSENT, newExpiry, EVIDENCE))
                   .expectResultMessagePayload(ConsentStatus.AUTHORISED)
                   .expectEvents(new ConsentReauthorised(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, EVIDENCE, EXPIRES, newExpiry, NOW));
        }

        @Test
        void atMost365DaysFromTheReauthorisation() {
            expectRefused(new ReauthoriseConsent(CONSENT, newExpiry.plusNanos(1), EVIDENCE), EXPIRY_TOO_FAR, requested(), authorised());
        }

        @Test
        void theNewExpiryMustBeInTheFuture() {
            expectRefused(new ReauthoriseConsent(CONSENT, NOW, EVIDENCE), EXPIRY_IN_PAST, requested(), authorised());
        }

        @Test
        void onlyWhileAuthorised() {
            expectRefused(new ReauthoriseConsent(CONSENT, newExpiry, EVIDENCE), CONSENT_NOT_AUTHORISED, requested());
            expectRefused(new ReauthoriseConsent(CONSENT, newExpiry, EVIDENCE), CONSENT_REVOKED, requested(), authorised(), revoked());
            expectRefused(new ReauthoriseConsent(CONSENT, newExpiry, EVIDENCE), CONSENT_EXPIRED, requested(), authorised(), expired());
        }

        @Test
        void notOnceTheExpiryInstantHasPassed() {
            clock.set(EXPIRES);
            expectRefused(new ReauthoriseConsent(CONSENT, EXPIRES.plus(Duration.ofDays(30)), EVIDENCE), CONSENT_EXPIRED,
                    requested(), authorised());
        }

        @Test
        void aReauthorisedConsentLivesUntilItsNewExpiry() {
            clock.set(EXPIRES);
            fixture.given(requested(), authorised(),
                           new ConsentReauthorised(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, EVIDENCE, EXPIRES, newExpiry, NOW))
                   .when(new ExpireConsent(CONSENT))
                   .expectResultMessagePayload(false)
                   .expectNoEvents();
        }
    }

    @Nested
    class Expire {

        @Test
        void isRecordedFromTheExactExpiryInstant() {
            clock.set(EXPIRES);
            fixture.given(requested(), authorised())
                   .when(new ExpireConsent(CONSENT))
                   .expectResultMessagePayload(true)
                   .expectEvents(new ConsentExpired(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"), EXPIRES, EXPIRES));
        }

        @Test
        void isIgnoredBeforeTheExpiryInstant() {
            clock.set(EXPIRES.minusNanos(1));
            fixture.given(requested(), authorised())
                   .when(new ExpireConsent(CONSENT))
                   .expectSuccessfulHandlerExecution()
                   .expectNoEvents();
        }

        @Test
        void firesOnlyOnce() {
            clock.set(EXPIRES.plusSeconds(30));
            fixture.given(requested(), authorised(), expired())
                   .when(new ExpireConsent(CONSENT))
                   .expectSuccessfulHandlerExecution()
                   .expectNoEvents();
        }

        @Test
        void leavesOtherTerminalStatesAlone() {
            clock.set(EXPIRES.plusSeconds(30));
            fixture.given(requested(), authorised(), revoked())
                   .when(new ExpireConsent(CONSENT))
                   .expectSuccessfulHandlerExecution()
                   .expectNoEvents();
        }

        @Test
        void aRequestNeverAuthorisedExpiresToo() {
            clock.set(EXPIRES);
            fixture.given(requested())
                   .when(new ExpireConsent(CONSENT))
                   .expectEvents(new ConsentExpired(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"), EXPIRES, EXPIRES));
        }
    }

    static ConsentRejected rejected() {
        return new ConsentRejected(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, Initiator.CUSTOMER, NOW.minusSeconds(200));
    }

    static ConsentRevoked revoked() {
        return new ConsentRevoked(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, NOW.minusSeconds(100));
    }

    static ConsentExpired expired() {
        return new ConsentExpired(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"), EXPIRES, EXPIRES);
    }
}
