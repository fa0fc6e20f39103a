package io.consentledger.contracts;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Money;
import io.consentledger.contracts.common.CurrencyCode;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.contracts.metadata.PartyLabel;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.SharedTransaction;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.share.ShareBalance;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueTypesTest {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void currenciesAreIso4217AlphabeticCodes() {
        assertThat(CurrencyCode.iso("EUR", "currency")).isEqualTo("EUR");
        assertThatThrownBy(() -> CurrencyCode.iso("XYZ", "currency")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CurrencyCode.iso("eur", "currency")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CurrencyCode.iso(null, "currency")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Stored metadata is read by these keys forever: they never change. */
    @Test
    void attributionKeysAreThoseStoredInEveryEvent() {
        assertThat(List.of(Attribution.PRINCIPAL, Attribution.PARTY, Attribution.CORRELATION_ID, Attribution.TRACE_ID))
                .containsExactly("principal", "party", "correlationId", "traceId");
    }

    @Test
    void partyLabelsReadWhatTheyWrite() {
        assertThat(PartyLabel.of("PROVIDER", "bank-1").value()).isEqualTo("PROVIDER:bank-1");
        assertThat(PartyLabel.parse("PROVIDER:bank-1")).isEqualTo(PartyLabel.of("PROVIDER", "bank-1"));
        assertThat(PartyLabel.parse("RECIPIENT:a:b")).isEqualTo(PartyLabel.of("RECIPIENT", "a:b"));
        assertThat(PartyLabel.parse("AUDITOR")).isEqualTo(PartyLabel.of("AUDITOR", null));
        assertThat(PartyLabel.parse("SYSTEM").system()).isTrue();
        assertThat(PartyLabel.SYSTEM.value()).isEqualTo("SYSTEM");
        assertThat(PartyLabel.parse("PROVIDER:bank-1").isProvider("bank-1")).isTrue();
        assertThat(PartyLabel.parse("PROVIDER:bank-1").isProvider("bank-2")).isFalse();
        assertThat(PartyLabel.parse("RECIPIENT:bank-1").isProvider("bank-1")).isFalse();
        assertThat(PartyLabel.parse("RECIPIENT:messenger").isRecipient("messenger")).isTrue();
    }

    /** A missing or broken label owns nothing and is never SYSTEM. */
    @Test
    void aMissingOrBrokenPartyLabelIsNone() {
        for (String broken : new String[]{null, "", " ", ":bank-1", "PROVIDER:"}) {
            PartyLabel label = PartyLabel.parse(broken);
            assertThat(label).as(String.valueOf(broken)).isEqualTo(PartyLabel.NONE);
            assertThat(label.system()).isFalse();
            assertThat(label.isProvider("bank-1")).isFalse();
        }
    }

    @Test
    void fixedWindowIncludesBothBounds() {
        AppliedWindow window = TransactionWindow.fixed(T, T.plusSeconds(3600)).appliedAt(T.plusSeconds(99_999));
        assertThat(window.contains(T)).isTrue();
        assertThat(window.contains(T.minusNanos(1))).isFalse();
        assertThat(window.contains(T.plusSeconds(3600))).isTrue();
        assertThat(window.contains(T.plusSeconds(3600).plusNanos(1))).isFalse();
    }

    @Test
    void lookbackCountsBackFromTheShareTime() {
        AppliedWindow window = TransactionWindow.lookback(90).appliedAt(T);
        assertThat(window.from()).isEqualTo(T.minusSeconds(90L * 86_400));
        assertThat(window.to()).isEqualTo(T);
        assertThat(window.contains(T.minusSeconds(90L * 86_400))).isTrue();
        assertThat(window.contains(T.minusSeconds(90L * 86_400).minusNanos(1))).isFalse();
        assertThat(window.contains(T.plusNanos(1))).isFalse();
    }

    @Test
    void windowHasExactlyOneForm() {
        assertThatThrownBy(() -> new TransactionWindow(T, T, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TransactionWindow(null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TransactionWindow(T, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionWindow.fixed(T, T.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionWindow.lookback(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frequencyHasExactlyOneForm() {
        assertThat(AccessFrequency.once().oneOff()).isTrue();
        assertThat(AccessFrequency.perDay(4).maxPerDay()).isEqualTo(4);
        assertThatThrownBy(() -> new AccessFrequency(true, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessFrequency(false, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AccessFrequency.perDay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void detailedTransactionsImplyTheBasicCounterpart() {
        assertThat(Scope.withImplied(Set.of(Scope.TRANSACTIONS)))
                .containsExactlyInAnyOrder(Scope.TRANSACTIONS, Scope.TRANSACTIONS_VIA_RECIPIENT);
        assertThat(Scope.withImplied(Set.of(Scope.TRANSACTIONS_VIA_RECIPIENT))).containsExactly(Scope.TRANSACTIONS_VIA_RECIPIENT);
        assertThat(Scope.withImplied(Set.of(Scope.BALANCES))).containsExactly(Scope.BALANCES);
    }

    @Test
    void onlyAdvertisingCrossSellingAndDataSaleAreProhibited() {
        assertThat(Set.of(Purpose.values())).filteredOn(Purpose::isProhibited)
                .containsExactlyInAnyOrder(Purpose.ADVERTISING, Purpose.CROSS_SELLING, Purpose.DATA_SALE);
    }

    @Test
    void requestConsentRefusesEmptyScopesAndPurposesAndAMissingExpiry() {
        assertThatThrownBy(() -> new RequestConsent("c", "r", List.of("l"), Set.of(), Set.of(Purpose.FRAUD_ALERTS), T,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("scopes");
        assertThatThrownBy(() -> new RequestConsent("c", "r", List.of("l"), Set.of(Scope.BALANCES), Set.of(), T,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("purposes");
        assertThatThrownBy(() -> new RequestConsent("c", "r", List.of("l"), Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), null,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("expiresAt");
        assertThatThrownBy(() -> new RequestConsent("c", "r", List.of(), Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), T,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("linkIds");
        assertThatThrownBy(() -> new RequestConsent("bad id!", "r", List.of("l"), Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), T,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("consentId");
    }

    @Test
    void aShareNeverRepeatsATransactionId() {
        SharedTransaction tx = new SharedTransaction("t1", T, new BigDecimal("-1.50"), "EUR", "coffee", null, "card");
        assertThatThrownBy(() -> new ShareTransactions("c", "s", "l", List.of(tx, tx), Purpose.FRAUD_ALERTS))
                .hasMessageContaining("must not repeat");
        assertThatThrownBy(() -> new ShareTransactions("c", "s", "l", List.of(), Purpose.FRAUD_ALERTS))
                .hasMessageContaining("transactions");
    }

    // --- issue 14: every number and id the API takes is bounded ------------------------------------------------

    /** Finding 2: an amount has at most 18 integer digits and at most its currency's minor units (ISO 4217). */
    @Test
    void amountsAreBoundedByMagnitudeAndTheCurrencysMinorUnits() {
        assertThat(Money.amount(new BigDecimal("999999999999999999.99"), "EUR", "amount")).isNotNull();
        assertThat(Money.amount(new BigDecimal("-999999999999999999.99"), "EUR", "amount")).isNotNull();
        assertThat(Money.amount(new BigDecimal("1250.750"), "EUR", "amount")).as("trailing zeros are not precision").isNotNull();
        assertThat(Money.amount(new BigDecimal("0E-30"), "EUR", "amount")).isNotNull();
        assertThat(Money.amount(new BigDecimal("1E+2"), "JPY", "amount")).isNotNull();
        assertThat(Money.amount(new BigDecimal("1.234"), "BHD", "amount")).as("BHD has 3 minor units").isNotNull();
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1E+1000000"), "EUR", "amount"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amount");
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1000000000000000000"), "EUR", "amount"))
                .as("19 integer digits").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1E-1000000"), "EUR", "amount"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1.001"), "EUR", "amount"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1.5"), "JPY", "amount"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.amount(new BigDecimal("1." + "0".repeat(200) + "1"), "EUR", "amount"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Finding 2: the bound holds on every path that builds a share, not only the HTTP one. */
    @Test
    void balanceAndTransactionAmountsAreBounded() {
        assertThatThrownBy(() -> new ShareBalance("c", "s", "l", new BigDecimal("1E+1000000"), "EUR", T, Purpose.FRAUD_ALERTS))
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> new SharedTransaction("t1", T, new BigDecimal("1E+1000000"), "EUR", "coffee", null, "card"))
                .hasMessageContaining("transactions[].amount");
        assertThatThrownBy(() -> new SharedTransaction("t1", T, new BigDecimal("-1.505"), "EUR", "coffee", null, "card"))
                .hasMessageContaining("transactions[].amount");
    }

    /** Finding 2: list sizes are bounded too. */
    @Test
    void aConsentCoversAtMostMaxLinks() {
        List<String> links = java.util.stream.IntStream.rangeClosed(1, RequestConsent.MAX_LINKS + 1).mapToObj(i -> "l" + i).toList();
        assertThatThrownBy(() -> new RequestConsent("c", "r", links, Set.of(Scope.BALANCES), Set.of(Purpose.FRAUD_ALERTS), T,
                TransactionWindow.lookback(1), AccessFrequency.once())).hasMessageContaining("linkIds");
        assertThat(new RequestConsent("c", "r", links.subList(0, RequestConsent.MAX_LINKS), Set.of(Scope.BALANCES),
                Set.of(Purpose.FRAUD_ALERTS), T, TransactionWindow.lookback(1), AccessFrequency.once()).linkIds())
                .hasSize(RequestConsent.MAX_LINKS);
        assertThatThrownBy(() -> AccessFrequency.perDay(AccessFrequency.MAX_PER_DAY_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionWindow.lookback(TransactionWindow.MAX_LOOKBACK_DAYS + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Finding 12: one id grammar; ids that a URL path cannot carry ("." and "..") are refused everywhere. */
    @Test
    void idsStartWithALetterOrDigit() {
        for (String good : new String[]{"a", "link-1", "bank-1:link-1", "9f0c2a4e-7b1d-4c1e-9a63-5d2f1e0b7c44", "a.b", "a..b", "A_b"}) {
            assertThat(Checks.id(good, "id")).isEqualTo(good);
        }
        for (String bad : new String[]{".", "..", "...", ".hidden", "-x", "_x", ":x", "", "a/b", "a b", "é", "x".repeat(65)}) {
            assertThatThrownBy(() -> Checks.id(bad, "linkId")).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("linkId");
        }
    }

    /** Finding 13: a fixed window in a consent request spans at most as far back as the longest lookback (3650 days). */
    @Test
    void aFixedWindowSpansAtMostTheLongestLookback() {
        Duration longest = Duration.ofDays(TransactionWindow.MAX_LOOKBACK_DAYS);
        assertThat(request(TransactionWindow.fixed(T.minus(longest), T)).window().from()).isEqualTo(T.minus(longest));
        assertThatThrownBy(() -> request(TransactionWindow.fixed(T.minus(longest).minusNanos(1), T)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> request(TransactionWindow.fixed(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("+99999-01-01T00:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Events are forever: a window stored before the bound (in ConsentRequested) is still read. */
    @Test
    void aStoredUnboundedWindowIsStillRead() {
        TransactionWindow stored = TransactionWindow.fixed(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("+99999-01-01T00:00:00Z"));
        assertThat(stored.appliedAt(T).contains(T)).isTrue();
    }

    private static RequestConsent request(TransactionWindow window) {
        return new RequestConsent("c", "r", List.of("l"), Set.of(Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS), T,
                window, AccessFrequency.once());
    }
}
