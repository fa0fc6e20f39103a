package io.consentledger.command.consent;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.SharedTransaction;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.contracts.share.RepeatedShare;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.consentledger.command.testing.Refusals.refusal;
import static io.consentledger.contracts.common.RefusalReason.ALREADY_EXISTS;
import static io.consentledger.contracts.common.RefusalReason.CONSENT_UNKNOWN;

/**
 * A share is recorded once per {@code shareId}: a command that repeats a recorded share (a client's retry after its
 * idempotency record was taken over, or after the command side crashed between the append and the answer) appends
 * nothing and gets the first answer; the same id with other content is refused (docs/domain.md, "Share ids").
 */
class ConsentShareIdTest extends ConsentFixture {

    private static final BigDecimal BALANCE = new BigDecimal("1234.56");

    private static ShareBalance balance(String shareId, BigDecimal amount) {
        return new ShareBalance(CONSENT, shareId, "link-1", amount, "EUR", NOW.minusSeconds(5), Purpose.FRAUD_ALERTS);
    }

    private static BalanceShared balanceShared(String shareId, Instant at) {
        return new BalanceShared(shareId, CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.BALANCES,
                Purpose.FRAUD_ALERTS, BALANCE, "EUR", NOW.minusSeconds(5), new AppliedWindow(at.minus(Duration.ofDays(90)), at), at);
    }

    private static ShareTransactions transactions(String shareId, SharedTransaction... txs) {
        return new ShareTransactions(CONSENT, shareId, "link-1", List.of(txs), Purpose.FRAUD_ALERTS);
    }

    private static TransactionsShared transactionsShared(String shareId, List<String> fresh, Instant at, SharedTransaction... txs) {
        return new TransactionsShared(shareId, CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.TRANSACTIONS,
                Purpose.FRAUD_ALERTS, Arrays.stream(txs).map(SharedTransaction::transactionId).toList(), fresh,
                new AppliedWindow(at.minus(Duration.ofDays(90)), at), at,
                Arrays.stream(txs).map(TransactionFacts::of).toList());
    }

    @Test
    void aRepeatedBalanceShareAppendsNothingAndGetsTheFirstAnswer() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(balance("share-1", BALANCE))
               .expectSuccessfulHandlerExecution()
               .expectResultMessagePayload(new RepeatedShare("share-1"))
               .expectNoEvents();
    }

    @Test
    void aRepeatedTransactionsShareAppendsNothingAndAnswersTheIdsThatWereNewTheFirstTime() {
        SharedTransaction t1 = tx("t1", NOW.minusSeconds(3600));
        SharedTransaction t2 = tx("t2", NOW.minusSeconds(3600));
        fixture.given(requested(), authorised(),
                       transactionsShared("s0", List.of("t1"), NOW.minusSeconds(200), t1),
                       transactionsShared("s1", List.of("t2"), NOW.minusSeconds(100), t1, t2),
                       transactionsShared("s2", List.of(), NOW.minusSeconds(50), t2))
               .when(transactions("s1", t1, t2))
               .expectSuccessfulHandlerExecution()
               .expectResultMessagePayload(new RepeatedShare(List.of("t2")))
               .expectNoEvents();
    }

    @Test
    void theSameShareIdWithOtherContentIsRefused() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(balance("share-1", new BigDecimal("1.00")))
               .expectNoEvents()
               .expectException(LedgerRefusal.class)
               .expectException(refusal(ALREADY_EXISTS));
    }

    @Test
    void aBalanceShareIdCannotBeRepeatedAsATransactionsShare() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(transactions("share-1", tx("t1", NOW.minusSeconds(60))))
               .expectNoEvents()
               .expectException(refusal(ALREADY_EXISTS));
    }

    @Test
    void theSameAmountWrittenWithAnotherScaleIsTheSameShare() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(balance("share-1", new BigDecimal("1234.560")))
               .expectResultMessagePayload(new RepeatedShare("share-1"))
               .expectNoEvents();
    }

    @Test
    void aRepeatDoesNotCountTowardsTheFrequencyAndIsAnsweredAfterTheOneOffWasUsed() {
        fixture.given(requested(Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90),
                               AccessFrequency.once()),
                       authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(balance("share-1", BALANCE))
               .expectResultMessagePayload(new RepeatedShare("share-1"))
               .expectNoEvents();
    }

    @Test
    void aShareRecordedBeforeTheConsentWasRevokedIsStillAnsweredOnARetry() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)),
                       new ConsentRevoked(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of("link-1", "link-2"),
                               RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, NOW.minusSeconds(30)))
               .when(balance("share-1", BALANCE))
               .expectResultMessagePayload(new RepeatedShare("share-1"))
               .expectNoEvents();
    }

    @Test
    void aRepeatOfSomeoneElsesConsentIsStillAnsweredAsUnknown() {
        fixture.given(requested(), authorised(), balanceShared("share-1", NOW.minusSeconds(70)))
               .when(balance("share-1", BALANCE), Map.of("party", "PROVIDER:bank-2"))
               .expectNoEvents()
               .expectException(refusal(CONSENT_UNKNOWN));
    }

    @Test
    void shareIdsAreRememberedForAtLeastADayAfterTheirShare() {
        Instant longAgo = NOW.minus(Duration.ofHours(25));
        // still remembered 25 hours on: no later share has pushed it out
        fixture.given(requested(), authorised(), balanceShared("share-1", longAgo))
               .when(balance("share-1", BALANCE))
               .expectResultMessagePayload(new RepeatedShare("share-1"))
               .expectNoEvents();
    }

    @Test
    void aShareIdIsForgottenOnceAShareMoreThanADayLaterIsRecorded() {
        Instant longAgo = NOW.minus(Duration.ofHours(25));
        fixture.given(requested(), authorised(), balanceShared("share-1", longAgo), balanceShared("share-2", NOW.minusSeconds(60)))
               .when(balance("share-1", BALANCE))
               .expectSuccessfulHandlerExecution()
               .expectEvents(new BalanceShared("share-1", CONSENT, "link-1", RECIPIENT, PROVIDER, CUSTOMER, Scope.BALANCES,
                       Purpose.FRAUD_ALERTS, BALANCE, "EUR", NOW.minusSeconds(5),
                       new AppliedWindow(NOW.minus(Duration.ofDays(90)), NOW), NOW));
    }
}
