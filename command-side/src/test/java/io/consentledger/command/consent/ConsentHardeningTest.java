package io.consentledger.command.consent;

import io.consentledger.command.common.Acting;
import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.InvalidCommand;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.AuthoriseConsent;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.consentledger.command.testing.Refusals.refusal;
import static io.consentledger.contracts.common.RefusalReason.LINK_UNKNOWN;

/** Issue 14 (findings 5, 6, 13, 14): the consent aggregate's hardening rules. */
class ConsentHardeningTest extends ConsentFixture {

    private static final Set<Scope> BALANCES = Set.of(Scope.BALANCES, Scope.TRANSACTIONS);
    private static final Set<Purpose> FRAUD = Set.of(Purpose.FRAUD_ALERTS);

    /** Finding 6: no instant further ahead of the ledger's clock than the allowance (ConsentFixture.SKEW). */
    @Nested
    class FutureInstants {

        private final Instant limit = NOW.plus(SKEW);

        private ShareBalance balanceAsOf(Instant asOf) {
            return new ShareBalance(CONSENT, "s-1", "link-1", new BigDecimal("10.00"), "EUR", asOf, Purpose.FRAUD_ALERTS);
        }

        @Test
        void aBalanceAsOfUpToTheAllowanceIsRecorded() {
            fixture.given(requested(), authorised())
                   .when(balanceAsOf(limit))
                   .expectSuccessfulHandlerExecution()
                   .expectEventsMatching(org.axonframework.test.matchers.Matchers.exactSequenceOf(
                           org.axonframework.test.matchers.Matchers.messageWithPayload(
                                   org.hamcrest.Matchers.instanceOf(BalanceShared.class))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"PT0.000000001S", "P1D", "P36500000D"})
        void aBalanceAsOfBeyondTheAllowanceIsInvalid(String beyond) {
            Instant asOf = limit.plus(Duration.parse(beyond));
            fixture.given(requested(), authorised())
                   .when(balanceAsOf(asOf))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class)
                   .expectExceptionMessage(org.hamcrest.Matchers.containsString("asOf"));
        }

        @Test
        void aTransactionBookedBeyondTheAllowanceIsInvalidEvenInsideAFixedWindow() {
            ConsentRequested fixed = requested(BALANCES, FRAUD, TransactionWindow.fixed(NOW.minus(Duration.ofDays(10)),
                    NOW.plus(Duration.ofDays(10))), AccessFrequency.perDay(4));
            fixture.given(fixed, authorised())
                   .when(new ShareTransactions(CONSENT, "s-2", "link-1", List.of(tx("t-1", limit.plusNanos(1))), Purpose.FRAUD_ALERTS))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class)
                   .expectExceptionMessage(org.hamcrest.Matchers.containsString("bookedAt"));
        }

        @Test
        void evidenceFromTheFutureIsInvalidAtAuthorisationAndReauthorisation() {
            AuthorisationEvidence future = new AuthorisationEvidence("MOBILE_APP", limit.plusNanos(1), "tc-7");
            fixture.given(requested())
                   .when(new AuthoriseConsent(CONSENT, future))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class)
                   .expectExceptionMessage(org.hamcrest.Matchers.containsString("evidence.authorisedAt"));
            fixture.given(requested(), authorised())
                   .when(new ReauthoriseConsent(CONSENT, EXPIRES.plus(Duration.ofDays(1)), future))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class);
        }

        @Test
        void evidenceUpToTheAllowanceIsAccepted() {
            AuthorisationEvidence skewed = new AuthorisationEvidence("MOBILE_APP", limit, "tc-7");
            fixture.given(requested())
                   .when(new AuthoriseConsent(CONSENT, skewed))
                   .expectSuccessfulHandlerExecution()
                   .expectEvents(new ConsentAuthorised(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, skewed, EXPIRES, NOW));
        }
    }

    /** Finding 13: a fixed window reaches no further back than the longest lookback and no later than the expiry. */
    @Nested
    class FixedWindowBounds {

        private RequestConsent requestWith(Instant from, Instant to) {
            return new RequestConsent(CONSENT, RECIPIENT, List.of("link-1"), BALANCES, FRAUD, EXPIRES,
                    TransactionWindow.fixed(from, to), AccessFrequency.perDay(4));
        }

        @Test
        void aWindowWithinReachIsRecorded() {
            fixture.givenNoPriorActivity()
                   .when(requestWith(NOW.minus(Duration.ofDays(TransactionWindow.MAX_LOOKBACK_DAYS)), NOW))
                   .expectSuccessfulHandlerExecution();
            fixture.givenNoPriorActivity()
                   .when(requestWith(NOW, EXPIRES))
                   .expectSuccessfulHandlerExecution();
        }

        @Test
        void aWindowStartingBeforeTheLongestLookbackIsInvalid() {
            fixture.givenNoPriorActivity()
                   .when(requestWith(NOW.minus(Duration.ofDays(TransactionWindow.MAX_LOOKBACK_DAYS)).minusNanos(1), NOW.minus(Duration.ofDays(1))))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class)
                   .expectExceptionMessage(org.hamcrest.Matchers.containsString("window.from"));
        }

        @Test
        void aWindowEndingAfterTheExpiryIsInvalid() {
            fixture.givenNoPriorActivity()
                   .when(requestWith(NOW, EXPIRES.plusNanos(1)))
                   .expectNoEvents()
                   .expectException(InvalidCommand.class)
                   .expectExceptionMessage(org.hamcrest.Matchers.containsString("window.to"));
        }
    }

    /** Finding 14: ACCOUNT_UNLINKED is the ledger's own reason, recorded only after an unlink. */
    @Nested
    class SystemReason {

        @ParameterizedTest
        @ValueSource(strings = {"PROVIDER:bank-1/CUSTOMER", "PROVIDER:bank-1/PROVIDER", "RECIPIENT:messenger/RECIPIENT"})
        void noPartyMayRevokeWithTheSystemsReason(String partyAndInitiator) {
            String[] parts = partyAndInitiator.split("/");
            fixture.given(requested(), authorised())
                   .when(new RevokeConsent(CONSENT, RevocationReason.ACCOUNT_UNLINKED, Initiator.valueOf(parts[1])),
                         Map.of("party", parts[0]))
                   .expectNoEvents()
                   .expectException(Forbidden.class);
        }

        @Test
        void theSystemStillRevokesWithIt() {
            fixture.given(requested(), authorised())
                   .when(new RevokeConsent(CONSENT, RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM))
                   .expectSuccessfulHandlerExecution();
        }
    }

    /**
     * Finding 5: a recipient's request learns nothing of the links it names beyond "accepted": an unknown, unlinked
     * or foreign-owned link, or links of different owners, all get the one answer for an unknown link.
     */
    @Nested
    class WhatARecipientLearnsOfLinks {

        private void expectTheOneAnswer(String... linkIds) {
            fixture.givenNoPriorActivity()
                   .when(new RequestConsent(CONSENT, RECIPIENT, List.of(linkIds), BALANCES, FRAUD, EXPIRES,
                           TransactionWindow.lookback(90), AccessFrequency.perDay(4)))
                   .expectNoEvents()
                   .expectException(LedgerRefusal.class)
                   .expectException(refusal(LINK_UNKNOWN))
                   .expectExceptionMessage(Acting.NO_SUCH_ID);
        }

        @Test
        void anUnknownLink() {
            expectTheOneAnswer("link-1", "link-nope");
        }

        @Test
        void anUnlinkedLink() {
            links.unlink("link-2");
            expectTheOneAnswer("link-2");
            expectTheOneAnswer("link-1", "link-2");
        }

        @Test
        void linksOfDifferentCustomersOrProviders() {
            expectTheOneAnswer("link-1", "link-other-customer");
            expectTheOneAnswer("link-1", "link-other-bank");
        }
    }
}
