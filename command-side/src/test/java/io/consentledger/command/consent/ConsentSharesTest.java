package io.consentledger.command.consent;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.SharedTransaction;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.consentledger.command.testing.Refusals.refusal;
import static io.consentledger.contracts.common.RefusalReason.*;

class ConsentSharesTest extends ConsentFixture {

    private static final BigDecimal BALANCE = new BigDecimal("1234.56");
    private static final AppliedWindow LOOKBACK_90 = new AppliedWindow(NOW.minus(Duration.ofDays(90)), NOW);

    private static ShareBalance balance(String shareId) {
        return new ShareBalance(CONSENT, shareId, "link-1", BALANCE, "EUR", NOW.minusSeconds(5), Purpose.FRAUD_ALERTS);
    }

    private static ShareTransactions transactions(String shareId, SharedTransaction... txs) {
        return new ShareTransactions(CONSENT, shareId, "link-1", List.of(txs), Purpose.FRAUD_ALERTS);
    }

    private static BalanceShared balanceShared(String shareId, Instant at) {
        return new BalanceShared(shareId, CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.BALANCES, Purpose.FRAUD_ALERTS,
                BALANCE, "EUR", NOW.minusSeconds(5), new AppliedWindow(at.minus(Duration.ofDays(90)), at), at);
    }

    private void expectRefused(Object command, RefusalReason reason, Object... given) {
        fixture.given(given)
               .when(command)
               .expectNoEvents()
               .expectException(LedgerRefusal.class)
               .expectException(refusal(reason));
    }

    @Nested
    class Balance {

        @Test
        void aShareNamesWhoReceivedWhatUnderWhichConsent() {
            fixture.given(requested(), authorised())
                   .when(balance("share-1"))
                   .expectResultMessagePayload("share-1")
                   .expectEvents(new BalanceShared("share-1", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.BALANCES,
                           Purpose.FRAUD_ALERTS, BALANCE, "EUR", NOW.minusSeconds(5), LOOKBACK_90, NOW));
        }

        @Test
        void theCurrencyMustBeTheLinks() {
            expectRefused(new ShareBalance(CONSENT, "s", "link-1", BALANCE, "USD", NOW, Purpose.FRAUD_ALERTS), CURRENCY_MISMATCH,
                    requested(), authorised());
        }

        @Test
        void theScopeMustBeGranted() {
            expectRefused(balance("s"), SCOPE_NOT_GRANTED,
                    requested(Set.of(Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90), AccessFrequency.perDay(4)),
                    authorised());
        }
    }

    @Nested
    class Status {

        @Test
        void noShareBeforeAuthorisation() {
            expectRefused(balance("s"), CONSENT_NOT_AUTHORISED, requested());
        }

        @Test
        void noShareAfterRevocationRejectionOrExpiry() {
            expectRefused(balance("s"), CONSENT_REVOKED, requested(), authorised(), ConsentLifecycleTest.revoked());
            expectRefused(balance("s"), CONSENT_REJECTED, requested(), ConsentLifecycleTest.rejected());
            expectRefused(balance("s"), CONSENT_EXPIRED, requested(), authorised(), ConsentLifecycleTest.expired());
        }

        @Test
        void noShareFromTheExactExpiryInstantEvenBeforeTheExpiryIsRecorded() {
            clock.set(EXPIRES);
            expectRefused(balance("s"), CONSENT_EXPIRED, requested(), authorised());
            expectRefused(transactions("s", tx("t1", EXPIRES.minusSeconds(60))), CONSENT_EXPIRED, requested(), authorised());
        }

        @Test
        void aShareOneNanosecondBeforeExpiryIsAllowed() {
            Instant at = EXPIRES.minusNanos(1);
            clock.set(at);
            fixture.given(requested(), authorised())
                   .when(balance("s"))
                   .expectEvents(balanceShared("s", at));
        }

        @Test
        void noShareAfterUnlinkEvenBeforeTheRevocationArrives() {
            links.unlink("link-1");
            expectRefused(balance("s"), LINK_UNLINKED, requested(), authorised());
            expectRefused(transactions("s", tx("t1", NOW.minusSeconds(60))), LINK_UNLINKED, requested(), authorised());
        }
    }

    @Nested
    class Bounds {

        @Test
        void theLinkMustBeOneOfTheConsents() {
            expectRefused(new ShareBalance(CONSENT, "s", "link-3", BALANCE, "GBP", NOW, Purpose.FRAUD_ALERTS), LINK_NOT_IN_CONSENT,
                    requested(), authorised());
        }

        @Test
        void thePurposeMustBeOneOfTheConsents() {
            expectRefused(new ShareBalance(CONSENT, "s", "link-1", BALANCE, "EUR", NOW, Purpose.PAYMENTS), PURPOSE_NOT_GRANTED,
                    requested(), authorised());
            expectRefused(new ShareTransactions(CONSENT, "s", "link-1", List.of(tx("t1", NOW)), Purpose.PERSONAL_FINANCE),
                    PURPOSE_NOT_GRANTED, requested(), authorised());
        }

        @Test
        void transactionsNeedATransactionScope() {
            expectRefused(transactions("s", tx("t1", NOW)), SCOPE_NOT_GRANTED,
                    requested(Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90), AccessFrequency.perDay(4)),
                    authorised());
        }

        @Test
        void eachTransactionsCurrencyMustBeTheLinks() {
            expectRefused(transactions("s", tx("t1", NOW), tx("t2", NOW, "USD", "card")), CURRENCY_MISMATCH, requested(), authorised());
        }
    }

    @Nested
    class ViaRecipient {

        private final Object viaRecipientOnly = requested(Set.of(Scope.TRANSACTIONS_VIA_RECIPIENT), Set.of(Purpose.FRAUD_ALERTS),
                TransactionWindow.lookback(90), AccessFrequency.perDay(4));

        @Test
        void transactionsMadeThroughTheRecipientAreShared() {
            fixture.given(viaRecipientOnly, authorised())
                   .when(transactions("s", tx("t1", NOW, "EUR", RECIPIENT)))
                   .expectEvents(new TransactionsShared("s", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER,
                           Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.FRAUD_ALERTS, List.of("t1"), List.of("t1"), LOOKBACK_90, NOW, facts(tx("t1", NOW, "EUR", RECIPIENT))));
        }

        @Test
        void anyOtherChannelRefusesTheWholeShare() {
            expectRefused(transactions("s", tx("t1", NOW, "EUR", RECIPIENT), tx("t2", NOW, "EUR", "card")),
                    TRANSACTION_NOT_VIA_RECIPIENT, viaRecipientOnly, authorised());
        }

        @Test
        void theFullTransactionsScopeSharesAnyChannel() {
            fixture.given(requested(), authorised())
                   .when(transactions("s", tx("t1", NOW, "EUR", RECIPIENT), tx("t2", NOW, "EUR", "card")))
                   .expectEvents(new TransactionsShared("s", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER,
                           Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS, List.of("t1", "t2"), List.of("t1", "t2"), LOOKBACK_90, NOW, facts(tx("t1", NOW, "EUR", RECIPIENT), tx("t2", NOW, "EUR", "card"))));
        }
    }

    /** Fixed window [from, to]: both bounds inclusive. */
    @Nested
    class FixedWindow {

        private final Instant from = NOW.minus(Duration.ofDays(30));
        private final Instant to = NOW.minus(Duration.ofDays(1));
        private final Object fixedWindowConsent = requested(Set.of(Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS),
                TransactionWindow.fixed(from, to), AccessFrequency.perDay(10));

        @Test
        void theLowerBoundIsInclusive() {
            shared(tx("t1", from));
            expectRefused(transactions("s", tx("t1", from.minusNanos(1))), OUTSIDE_TRANSACTION_WINDOW, fixedWindowConsent, authorised());
        }

        @Test
        void theUpperBoundIsInclusive() {
            shared(tx("t1", to));
            expectRefused(transactions("s", tx("t1", to.plusNanos(1))), OUTSIDE_TRANSACTION_WINDOW, fixedWindowConsent, authorised());
        }

        @Test
        void oneTransactionOutsideRefusesTheWholeShare() {
            expectRefused(transactions("s", tx("t1", from.plusSeconds(10)), tx("t2", to.plusSeconds(1)), tx("t3", to)),
                    OUTSIDE_TRANSACTION_WINDOW, fixedWindowConsent, authorised());
        }

        private void shared(SharedTransaction transaction) {
            fixture.given(fixedWindowConsent, authorised())
                   .when(transactions("s", transaction))
                   .expectEvents(new TransactionsShared("s", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                           Purpose.FRAUD_ALERTS, List.of("t1"), List.of("t1"), new AppliedWindow(from, to), NOW, facts(transaction)));
        }
    }

    /** Lookback of N days at share time s: [s - N days, s], both bounds inclusive. */
    @Nested
    class Lookback {

        @Test
        void theEarliestAllowedIsTheShareTimeMinusNDays() {
            fixture.given(requested(), authorised())
                   .when(transactions("s", tx("t1", NOW.minus(Duration.ofDays(90)))))
                   .expectSuccessfulHandlerExecution()
                   .expectEvents(new TransactionsShared("s", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                           Purpose.FRAUD_ALERTS, List.of("t1"), List.of("t1"), LOOKBACK_90, NOW, facts(tx("t1", NOW.minus(Duration.ofDays(90))))));
            expectRefused(transactions("s", tx("t1", NOW.minus(Duration.ofDays(90)).minusNanos(1))), OUTSIDE_TRANSACTION_WINDOW,
                    requested(), authorised());
        }

        @Test
        void theLatestAllowedIsTheShareTime() {
            fixture.given(requested(), authorised())
                   .when(transactions("s", tx("t1", NOW)))
                   .expectSuccessfulHandlerExecution();
            expectRefused(transactions("s", tx("t1", NOW.plusNanos(1))), OUTSIDE_TRANSACTION_WINDOW, requested(), authorised());
        }

        @Test
        void itCountsBackFromTheShareNotFromTheGrant() {
            // Booked 80 days before the grant: inside at grant time, outside 11 days later.
            Instant booked = NOW.minus(Duration.ofDays(80));
            clock.set(NOW.plus(Duration.ofDays(11)));
            expectRefused(transactions("s", tx("t1", booked)), OUTSIDE_TRANSACTION_WINDOW, requested(), authorised());
        }
    }

    @Nested
    class Frequency {

        private final Object oneOff = requested(Set.of(Scope.BALANCES, Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS),
                TransactionWindow.lookback(90), AccessFrequency.once());
        private final Object twiceADay = requested(Set.of(Scope.BALANCES, Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS),
                TransactionWindow.lookback(90), AccessFrequency.perDay(2));

        @Test
        void aOneOffConsentAllowsExactlyOneShare() {
            fixture.given(oneOff, authorised()).when(balance("s1")).expectEvents(balanceShared("s1", NOW));
            clock.advance(Duration.ofDays(2));
            expectRefused(balance("s2"), ONE_OFF_ALREADY_USED, oneOff, authorised(), balanceShared("s1", NOW));
            expectRefused(transactions("s2", tx("t1", NOW)), ONE_OFF_ALREADY_USED, oneOff, authorised(), balanceShared("s1", NOW));
        }

        @Test
        void atMostNSharesPerUtcDay() {
            Instant morning = Instant.parse("2026-03-01T00:00:00Z");
            clock.set(Instant.parse("2026-03-01T23:59:59.999999999Z"));
            List<Object> given = new ArrayList<>(List.of(twiceADay, authorised(), balanceShared("s1", morning)));
            fixture.given(given).when(balance("s2")).expectSuccessfulHandlerExecution();
            given.add(balanceShared("s2", morning.plusSeconds(3600)));
            expectRefused(balance("s3"), FREQUENCY_EXCEEDED, given.toArray());
            clock.set(Instant.parse("2026-03-02T00:00:00Z"));
            fixture.given(given).when(balance("s3")).expectSuccessfulHandlerExecution();
        }

        @Test
        void yesterdaysSharesDoNotCountToday() {
            Instant yesterday = Instant.parse("2026-02-28T23:59:59Z");
            fixture.given(twiceADay, authorised(), balanceShared("s1", yesterday), balanceShared("s2", yesterday))
                   .when(balance("s3"))
                   .expectEvents(balanceShared("s3", NOW));
        }
    }

    @Nested
    class NoDoubleCounting {

        @Test
        void theEventSaysWhichIdsAreNewUnderTheLink() {
            Object first = new TransactionsShared("s1", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                    Purpose.FRAUD_ALERTS, List.of("t1", "t2"), List.of("t1", "t2"), LOOKBACK_90, NOW, facts(tx("t1", NOW), tx("t2", NOW)));
            fixture.given(requested(), authorised(), first)
                   .when(transactions("s2", tx("t2", NOW), tx("t3", NOW)))
                   .expectResultMessagePayload(List.of("t3"))
                   .expectEvents(new TransactionsShared("s2", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                           Purpose.FRAUD_ALERTS, List.of("t2", "t3"), List.of("t3"), LOOKBACK_90, NOW, facts(tx("t2", NOW), tx("t3", NOW))));
        }

        @Test
        void anotherLinkHasItsOwnIds() {
            Object first = new TransactionsShared("s1", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                    Purpose.FRAUD_ALERTS, List.of("t1"), List.of("t1"), LOOKBACK_90, NOW, facts(tx("t1", NOW)));
            fixture.given(requested(), authorised(), first)
                   .when(new ShareTransactions(CONSENT, "s2", "link-2", List.of(tx("t1", NOW)), Purpose.FRAUD_ALERTS))
                   .expectEvents(new TransactionsShared("s2", CONSENT, "link-2", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                           Purpose.FRAUD_ALERTS, List.of("t1"), List.of("t1"), LOOKBACK_90, NOW, facts(tx("t1", NOW))));
        }
    }

    /** What the event keeps of each shared transaction: facts, nothing personal. */
    private static List<TransactionFacts> facts(SharedTransaction... transactions) {
        return java.util.Arrays.stream(transactions).map(TransactionFacts::of).toList();
    }
}
