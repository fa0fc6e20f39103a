package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes realistic event histories straight into the event store, as the command side would, or, on purpose, as it
 * never would (to plant violations). Keeps each aggregate's sequence numbers.
 */
public final class LedgerScript {

    public static final String CUSTOMER = "customer-1";
    public static final String PROVIDER = "bank-1";
    public static final String RECIPIENT = "messaging-app";

    private final Consumer<GenericDomainEventMessage<?>> sink;
    private final Map<String, Long> sequences = new HashMap<>();
    private final Map<String, ConsentRequested> consents = new HashMap<>();
    private Instant now = Instant.parse("2026-11-01T10:00:00Z");

    public LedgerScript(EventStore store) {
        this(store::publish);
    }

    public LedgerScript(Consumer<GenericDomainEventMessage<?>> sink) {
        this.sink = sink;
    }

    public Instant now() {
        return now;
    }

    public LedgerScript at(Instant instant) {
        this.now = instant;
        return this;
    }

    public LedgerScript later(Duration duration) {
        this.now = now.plus(duration);
        return this;
    }

    private void emit(String type, String aggregateId, Object payload) {
        long seq = sequences.merge(aggregateId, 0L, (old, ignored) -> old + 1);
        sink.accept(new GenericDomainEventMessage<>(type, aggregateId, seq, payload,
                                                    MetaData.with("correlationId", "corr-" + UUID.randomUUID())
                                                            .and("principal", "test-principal")
                                                            .and("party", "PROVIDER:" + PROVIDER)));
    }

    /** Appends any event, as nothing but a bug or a write around the command side would. */
    public LedgerScript plant(String aggregateType, String aggregateId, Object payload) {
        emit(aggregateType, aggregateId, payload);
        return this;
    }

    public LedgerScript link(String linkId) {
        return link(linkId, CUSTOMER, PROVIDER);
    }

    public LedgerScript link(String linkId, String customerId, String providerId) {
        emit("BankAccountLink", linkId, new BankAccountLinked(linkId, customerId, providerId, "acc-" + linkId, "GBP",
                                                              evidence(), now));
        return this;
    }

    public LedgerScript unlink(String linkId) {
        emit("BankAccountLink", linkId, new BankAccountUnlinked(linkId, CUSTOMER, PROVIDER, Initiator.CUSTOMER, now));
        return this;
    }

    public LedgerScript requestConsent(String consentId, String linkId, Set<Scope> scopes, Set<Purpose> purposes,
                                       TransactionWindow window, AccessFrequency frequency) {
        return requestConsent(consentId, RECIPIENT, CUSTOMER, linkId, scopes, purposes, window, frequency);
    }

    public LedgerScript requestConsent(String consentId, String recipientId, String customerId, String linkId,
                                       Set<Scope> scopes, Set<Purpose> purposes, TransactionWindow window,
                                       AccessFrequency frequency) {
        ConsentRequested requested = new ConsentRequested(
                consentId, recipientId, customerId, PROVIDER,
                List.of(new ConsentedLink(linkId, customerId, PROVIDER, "acc-" + linkId, "GBP")),
                scopes, Scope.withImplied(scopes), purposes, now.plus(Duration.ofDays(90)), window, frequency, now);
        consents.put(consentId, requested);
        emit("Consent", consentId, requested);
        return this;
    }

    /** A consent for balances and transactions, for fraud alerts and customer service, 90 days back, 100 a day. */
    public LedgerScript standardConsent(String consentId, String linkId) {
        return requestConsent(consentId, linkId, EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS, Purpose.CUSTOMER_SERVICE),
                              TransactionWindow.lookback(90), AccessFrequency.perDay(100));
    }

    public LedgerScript authorise(String consentId) {
        ConsentRequested r = consents.get(consentId);
        emit("Consent", consentId, new ConsentAuthorised(consentId, r.recipientId(), r.customerId(), r.providerId(),
                                                         evidence(), r.expiresAt(), now));
        return this;
    }

    public LedgerScript reauthorise(String consentId, Instant newExpiry) {
        ConsentRequested r = consents.get(consentId);
        emit("Consent", consentId, new ConsentReauthorised(consentId, r.recipientId(), r.customerId(), r.providerId(),
                                                           evidence(), r.expiresAt(), newExpiry, now));
        return this;
    }

    public LedgerScript reject(String consentId) {
        ConsentRequested r = consents.get(consentId);
        emit("Consent", consentId, new ConsentRejected(consentId, r.recipientId(), r.customerId(), r.providerId(),
                                                       Initiator.CUSTOMER, now));
        return this;
    }

    public LedgerScript revoke(String consentId) {
        ConsentRequested r = consents.get(consentId);
        emit("Consent", consentId, new ConsentRevoked(consentId, r.recipientId(), r.customerId(), r.providerId(),
                                                      List.of(r.links().get(0).linkId()),
                                                      RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, now));
        return this;
    }

    public LedgerScript expire(String consentId) {
        ConsentRequested r = consents.get(consentId);
        emit("Consent", consentId, new ConsentExpired(consentId, r.recipientId(), r.customerId(), r.providerId(),
                                                      List.of(r.links().get(0).linkId()), r.expiresAt(), now));
        return this;
    }

    public LedgerScript shareBalance(String consentId, String amount, Instant asOf) {
        return shareBalance(consentId, amount, asOf, Purpose.FRAUD_ALERTS);
    }

    public LedgerScript shareBalance(String consentId, String amount, Instant asOf, Purpose purpose) {
        ConsentRequested r = consents.get(consentId);
        String linkId = r.links().get(0).linkId();
        emit("Consent", consentId, new BalanceShared("share-" + UUID.randomUUID(), consentId, linkId, r.recipientId(),
                                                     r.providerId(), r.customerId(), Scope.BALANCES, purpose,
                                                     new BigDecimal(amount), "GBP", asOf,
                                                     r.window().appliedAt(now), now));
        return this;
    }

    public LedgerScript shareTransactions(String consentId, Scope scope, Purpose purpose, TransactionFacts... facts) {
        ConsentRequested r = consents.get(consentId);
        String linkId = r.links().get(0).linkId();
        List<String> ids = java.util.Arrays.stream(facts).map(TransactionFacts::transactionId).toList();
        AppliedWindow window = r.window().appliedAt(now);
        emit("Consent", consentId, new TransactionsShared("share-" + UUID.randomUUID(), consentId, linkId,
                                                          r.recipientId(), r.providerId(), r.customerId(), scope,
                                                          purpose, ids, ids, window, now, List.of(facts)));
        return this;
    }

    public static TransactionFacts tx(String id, String amount, Instant bookedAt) {
        return new TransactionFacts(id, bookedAt, new BigDecimal(amount), "GBP", "card");
    }

    public static TransactionFacts tx(String id, String amount, Instant bookedAt, String channel) {
        return new TransactionFacts(id, bookedAt, new BigDecimal(amount), "GBP", channel);
    }

    private AuthorisationEvidence evidence() {
        return new AuthorisationEvidence("mobile-app", now, "v1");
    }
}
