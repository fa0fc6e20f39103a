package io.consentledger.command.consent;

import io.consentledger.command.common.ClockSkew;
import io.consentledger.command.testing.ActingAs;
import io.consentledger.command.testing.InMemoryLinkDirectory;
import io.consentledger.command.testing.MutableClock;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.share.SharedTransaction;
import org.axonframework.test.aggregate.AggregateTestFixture;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Shared givens for the consent aggregate's tests. */
abstract class ConsentFixture {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    /** The clock-skew allowance for instants a command carries (consent-ledger.clock-skew-allowance). */
    static final Duration SKEW = Duration.ofMinutes(5);
    static final Instant EXPIRES = NOW.plus(Duration.ofDays(90));
    static final String CONSENT = "consent-1";
    static final String RECIPIENT = "messenger";
    static final String CUSTOMER = "cust-1";
    static final String PROVIDER = "bank-1";
    static final AuthorisationEvidence EVIDENCE = new AuthorisationEvidence("MOBILE_APP", NOW, "disclosure-7");
    static final ConsentedLink LINK_1 = new ConsentedLink("link-1", CUSTOMER, PROVIDER, "acc-link-1", "EUR");
    static final ConsentedLink LINK_2 = new ConsentedLink("link-2", CUSTOMER, PROVIDER, "acc-link-2", "EUR");

    final MutableClock clock = new MutableClock(NOW);
    final InMemoryLinkDirectory links = new InMemoryLinkDirectory()
            .link("link-1", CUSTOMER, PROVIDER, "EUR")
            .link("link-2", CUSTOMER, PROVIDER, "EUR")
            .link("link-other-customer", "cust-2", PROVIDER, "EUR")
            .link("link-other-bank", CUSTOMER, "bank-2", "EUR")
            .link("link-3", CUSTOMER, PROVIDER, "GBP");
    final AggregateTestFixture<Consent> fixture = fixture();

    private AggregateTestFixture<Consent> fixture() {
        AggregateTestFixture<Consent> f = new AggregateTestFixture<>(Consent.class);
        f.registerInjectableResource(clock);
        f.registerInjectableResource(links);
        f.registerInjectableResource(new ClockSkew(SKEW));
        f.registerCommandDispatchInterceptor(ActingAs.naturalOwner(PROVIDER));
        return f;
    }

    static RequestConsent request(Set<Scope> scopes, Set<Purpose> purposes, Instant expiresAt, String... linkIds) {
        return new RequestConsent(CONSENT, RECIPIENT, List.of(linkIds), scopes, purposes, expiresAt,
                TransactionWindow.lookback(90), AccessFrequency.perDay(4));
    }

    static ConsentRequested requested(Set<Scope> scopes, Set<Purpose> purposes, TransactionWindow window, AccessFrequency frequency) {
        return new ConsentRequested(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, List.of(LINK_1, LINK_2), scopes,
                Scope.withImplied(scopes), purposes, EXPIRES, window, frequency, NOW.minusSeconds(600));
    }

    static ConsentRequested requested() {
        return requested(Set.of(Scope.BALANCES, Scope.TRANSACTIONS), Set.of(Purpose.FRAUD_ALERTS, Purpose.BALANCE_CHECK),
                TransactionWindow.lookback(90), AccessFrequency.perDay(4));
    }

    static ConsentAuthorised authorised() {
        return new ConsentAuthorised(CONSENT, RECIPIENT, CUSTOMER, PROVIDER, EVIDENCE, EXPIRES, NOW.minusSeconds(300));
    }

    static SharedTransaction tx(String id, Instant bookedAt) {
        return tx(id, bookedAt, "EUR", "card");
    }

    static SharedTransaction tx(String id, Instant bookedAt, String currency, String channel) {
        return new SharedTransaction(id, bookedAt, new BigDecimal("-12.34"), currency, "groceries", "Corner Shop", channel);
    }
}
