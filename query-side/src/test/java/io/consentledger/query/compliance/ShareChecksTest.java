package io.consentledger.query.compliance;

import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.share.TransactionFacts;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The compliance rules, one at a time: a share and its consent's terms in, violations out. */
class ShareChecksTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ConsentTerms TERMS = new ConsentTerms(
            ConsentStatus.AUTHORISED, "messenger", EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
            EnumSet.of(Purpose.FRAUD_ALERTS), List.of("link-1"), TransactionWindow.lookback(90),
            AccessFrequency.perDay(2), NOW.plus(Duration.ofDays(30)));
    private static final ShareChecks.Counted NONE_BEFORE = new ShareChecks.Counted(0, 0);

    private static Share balance() {
        return new Share("e-1", 3, "share-1", "consent-1", "link-1", "messenger", "cust-1", Scope.BALANCES,
                         Scope.BALANCES, Purpose.FRAUD_ALERTS, NOW, List.of());
    }

    private static Share transactions(Scope scope, TransactionFacts... transactions) {
        return new Share("e-2", 4, "share-2", "consent-1", "link-1", "messenger", "cust-1", scope, scope,
                         Purpose.FRAUD_ALERTS, NOW, List.of(transactions));
    }

    private static TransactionFacts tx(String id, Instant bookedAt, String channel) {
        return new TransactionFacts(id, bookedAt, new BigDecimal("-1.00"), "GBP", channel);
    }

    private static List<ComplianceRule> rules(List<ShareChecks.Finding> findings) {
        return findings.stream().map(ShareChecks.Finding::rule).toList();
    }

    private static ConsentTerms with(ConsentStatus status) {
        return new ConsentTerms(status, TERMS.recipientId(), TERMS.scopes(), TERMS.purposes(), TERMS.linkIds(),
                                TERMS.window(), TERMS.frequency(), TERMS.expiresAt());
    }

    @Test
    void aShareWithinItsConsentBreaksNoRule() {
        assertThat(ShareChecks.check(balance(), TERMS, null, NONE_BEFORE)).isEmpty();
        assertThat(ShareChecks.check(transactions(Scope.TRANSACTIONS, tx("t-1", NOW.minus(Duration.ofDays(89)), "card")),
                                     TERMS, null, NONE_BEFORE)).isEmpty();
    }

    @Test
    void aShareUnderNoConsentIsReportedAsThatAlone() {
        assertThat(rules(ShareChecks.check(balance(), null, NOW, NONE_BEFORE)))
                .containsExactly(ComplianceRule.UNKNOWN_CONSENT);
    }

    @Test
    void eachStatusButAuthorisedIsAViolation() {
        assertThat(ShareChecks.status(balance(), with(ConsentStatus.AWAITING_AUTHORISATION)))
                .map(ShareChecks.Finding::rule).contains(ComplianceRule.SHARED_BEFORE_AUTHORISATION);
        assertThat(ShareChecks.status(balance(), with(ConsentStatus.REVOKED)))
                .map(ShareChecks.Finding::rule).contains(ComplianceRule.SHARED_AFTER_REVOCATION);
        assertThat(ShareChecks.status(balance(), with(ConsentStatus.REJECTED)))
                .map(ShareChecks.Finding::rule).contains(ComplianceRule.SHARED_AFTER_REJECTION);
        assertThat(ShareChecks.status(balance(), with(ConsentStatus.EXPIRED)))
                .map(ShareChecks.Finding::rule).contains(ComplianceRule.SHARED_AFTER_EXPIRY);
        assertThat(ShareChecks.status(balance(), TERMS)).isEmpty();
    }

    @Test
    void anAuthorisedConsentIsExpiredFromItsExpiryInstantOn() {
        ConsentTerms expiringNow = new ConsentTerms(ConsentStatus.AUTHORISED, "messenger", TERMS.scopes(),
                TERMS.purposes(), TERMS.linkIds(), TERMS.window(), TERMS.frequency(), NOW);
        assertThat(ShareChecks.status(balance(), expiringNow)).map(ShareChecks.Finding::rule)
                                                              .contains(ComplianceRule.SHARED_AFTER_EXPIRY);
        ConsentTerms expiringLater = new ConsentTerms(ConsentStatus.AUTHORISED, "messenger", TERMS.scopes(),
                TERMS.purposes(), TERMS.linkIds(), TERMS.window(), TERMS.frequency(), NOW.plusMillis(1));
        assertThat(ShareChecks.status(balance(), expiringLater)).isEmpty();
    }

    @Test
    void theRecipientPurposeScopeAndLinkMustBeTheConsents() {
        Share other = new Share("e-1", 3, "share-1", "consent-1", "link-9", "voice", "cust-1", Scope.BALANCES,
                                Scope.BALANCES, Purpose.PAYMENTS, NOW, List.of());
        ConsentTerms noBalances = new ConsentTerms(ConsentStatus.AUTHORISED, "messenger", EnumSet.of(Scope.TRANSACTIONS),
                TERMS.purposes(), TERMS.linkIds(), TERMS.window(), TERMS.frequency(), TERMS.expiresAt());
        assertThat(rules(ShareChecks.check(other, noBalances, null, NONE_BEFORE))).containsExactly(
                ComplianceRule.RECIPIENT_MISMATCH, ComplianceRule.PURPOSE_NOT_GRANTED,
                ComplianceRule.SCOPE_NOT_GRANTED, ComplianceRule.LINK_NOT_IN_CONSENT);
    }

    @Test
    void aProhibitedPurposeIsNeverGranted() {
        ConsentTerms grantsAdvertising = new ConsentTerms(ConsentStatus.AUTHORISED, "messenger", TERMS.scopes(),
                EnumSet.of(Purpose.ADVERTISING), TERMS.linkIds(), TERMS.window(), TERMS.frequency(), TERMS.expiresAt());
        Share advertising = new Share("e-1", 3, "share-1", "consent-1", "link-1", "messenger", "cust-1",
                                      Scope.BALANCES, Scope.BALANCES, Purpose.ADVERTISING, NOW, List.of());
        assertThat(ShareChecks.purpose(advertising, grantsAdvertising)).map(ShareChecks.Finding::rule)
                                                                       .contains(ComplianceRule.PURPOSE_NOT_GRANTED);
    }

    @Test
    void aShareAfterItsLinkWasUnlinkedIsAViolation() {
        assertThat(rules(ShareChecks.check(balance(), TERMS, NOW.minusSeconds(1), NONE_BEFORE)))
                .containsExactly(ComplianceRule.SHARED_AFTER_UNLINK);
    }

    @Test
    void transactionsMustLieInTheWindowAsItAppliedAtTheShare() {
        Share share = transactions(Scope.TRANSACTIONS, tx("t-in", NOW.minus(Duration.ofDays(90)), "card"),
                                   tx("t-out", NOW.minus(Duration.ofDays(90)).minusMillis(1), "card"));
        assertThat(ShareChecks.window(share, TERMS)).hasValueSatisfying(finding -> {
            assertThat(finding.rule()).isEqualTo(ComplianceRule.OUTSIDE_WINDOW);
            assertThat(finding.detail()).startsWith("[t-out] booked outside");
        });
    }

    @Test
    void underTransactionsViaRecipientEveryTransactionWentThroughTheRecipient() {
        Share share = transactions(Scope.TRANSACTIONS_VIA_RECIPIENT, tx("t-own", NOW, "messenger"),
                                   tx("t-card", NOW, "card"));
        assertThat(ShareChecks.channel(share)).hasValueSatisfying(finding -> {
            assertThat(finding.rule()).isEqualTo(ComplianceRule.CHANNEL_NOT_RECIPIENT);
            assertThat(finding.detail()).startsWith("[t-card]");
        });
        assertThat(ShareChecks.channel(transactions(Scope.TRANSACTIONS, tx("t-card", NOW, "card")))).isEmpty();
    }

    @Test
    void theDailyLimitCountsTheSharesBeforeThisOneOnItsUtcDay() {
        AccessFrequency twice = AccessFrequency.perDay(2);
        assertThat(ShareChecks.frequency(balance(), twice, new ShareChecks.Counted(5, 1))).isEmpty();
        assertThat(ShareChecks.frequency(balance(), twice, new ShareChecks.Counted(2, 2)))
                .hasValueSatisfying(finding -> assertThat(finding.detail()).isEqualTo("share 3 on 2026-11-21, at most 2 a day"));
    }

    @Test
    void aOneOffConsentAllowsOneShareInAll() {
        assertThat(ShareChecks.frequency(balance(), AccessFrequency.once(), NONE_BEFORE)).isEmpty();
        assertThat(ShareChecks.frequency(balance(), AccessFrequency.once(), new ShareChecks.Counted(1, 0)))
                .map(ShareChecks.Finding::rule).contains(ComplianceRule.FREQUENCY_EXCEEDED);
    }

    @Test
    void theDayIsTheUtcDate() {
        assertThat(ShareChecks.day(Instant.parse("2026-11-21T23:59:59.999Z"))).isEqualTo("2026-11-21");
        assertThat(ShareChecks.day(Instant.parse("2026-11-22T00:00:00Z"))).isEqualTo("2026-11-22");
    }
}
