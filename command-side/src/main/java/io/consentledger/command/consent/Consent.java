package io.consentledger.command.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.command.common.Acting;
import io.consentledger.command.common.ClockSkew;
import io.consentledger.command.common.InvalidCommand;
import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Purpose;
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
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.consent.ExpireConsent;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RejectConsent;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.RepeatedShare;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.SharedTransaction;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.consentledger.contracts.common.RefusalReason.*;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A recipient's consent to a customer's data at one provider, and every share made under it.
 * <p>
 * Command handlers validate and apply; event sourcing handlers only change state. Time comes from the injected
 * {@link Clock}; link status from the injected {@link LinkDirectory}.
 */
@Aggregate(repository = "consentRepository")
public class Consent {

    /** CFPB 1033: access lasts at most a year from the latest (re)authorisation. */
    public static final Duration MAX_AUTHORISATION = Duration.ofDays(365);

    @AggregateIdentifier
    private String consentId;
    private String recipientId;
    /** Its snapshots are encrypted whole under this customer's key (issue 16). */
    @DataSubject
    private String customerId;
    private String providerId;
    private Map<String, ConsentedLink> links;
    private Set<Scope> scopes;
    private Set<Purpose> purposes;
    private Instant expiresAt;
    private TransactionWindow window;
    private AccessFrequency frequency;
    private ConsentStatus status;
    private long totalShares;
    private LocalDate shareDay;
    private int sharesOnShareDay;
    private Map<String, Set<String>> sharedTransactionIds;
    /**
     * The shares recorded in the last {@link #SHARE_ID_MEMORY} before the latest share, by share id, oldest first.
     * Null in a snapshot taken before share ids were remembered: {@link #recentShares()} reads it.
     */
    private LinkedHashMap<String, RecordedShare> recentShares;

    /**
     * How long a share id is remembered at least: a share with a remembered id is answered as the first time and
     * not recorded again. Counted back from the latest share, so a consent keeps at most about two days' quota of
     * ids ({@code 2 × maxPerDay}), whatever its age (docs/domain.md, "Share ids").
     */
    public static final Duration SHARE_ID_MEMORY = Duration.ofHours(24);

    protected Consent() {
    }

    @CommandHandler
    public Consent(RequestConsent command, Clock clock, LinkDirectory directory, @MetaDataValue(Attribution.PARTY) String party) {
        Acting acting = Acting.of(party);
        if (!acting.system() && !acting.recipient(command.recipientId())) {
            throw new Forbidden("A recipient may request consents for itself only");
        }
        Instant now = clock.instant();
        List<Purpose> prohibited = command.purposes().stream().filter(Purpose::isProhibited).sorted().toList();
        if (!prohibited.isEmpty()) {
            throw LedgerRefusal.of(PROHIBITED_PURPOSE, "Purposes " + prohibited + " are prohibited for covered data");
        }
        checkExpiry(command.expiresAt(), now, now);
        checkFixedWindow(command.window(), command.expiresAt(), now);
        // What a recipient may learn of the links it names (issue 14, finding 5): only whether its request was
        // accepted. An unknown link, an unlinked one and links of different owners get one answer, the answer for
        // an unknown link, so a link id reveals neither its status nor who owns it.
        List<ConsentedLink> consented = new ArrayList<>();
        for (String linkId : command.linkIds()) {
            LinkView link = directory.find(linkId).filter(LinkView::isLinked)
                                     .orElseThrow(() -> LedgerRefusal.of(LINK_UNKNOWN, Acting.NO_SUCH_ID));
            consented.add(new ConsentedLink(link.linkId(), link.customerId(), link.providerId(), link.accountId(), link.currency()));
        }
        ConsentedLink first = consented.get(0);
        if (consented.stream().anyMatch(l -> !l.customerId().equals(first.customerId()) || !l.providerId().equals(first.providerId()))) {
            throw LedgerRefusal.of(LINK_UNKNOWN, Acting.NO_SUCH_ID);
        }
        apply(new ConsentRequested(command.consentId(), command.recipientId(), first.customerId(), first.providerId(),
                consented, command.scopes(), Scope.withImplied(command.scopes()), command.purposes(),
                command.expiresAt(), command.window(), command.frequency(), now));
    }

    @CommandHandler
    public ConsentStatus handle(AuthoriseConsent command, Clock clock, ClockSkew skew, LinkDirectory directory,
                                @MetaDataValue(Attribution.PARTY) String party) {
        requireOwningProvider(party);
        Instant now = clock.instant();
        skew.requireNotFuture(command.evidence().authorisedAt(), now, "evidence.authorisedAt");
        requireAwaitingAuthorisation();
        requireNotPastExpiry(now);
        checkExpiry(expiresAt, authorisationAnchor(command.evidence(), now), now);
        for (String linkId : links.keySet()) {
            requireLinked(directory, linkId);
        }
        apply(new ConsentAuthorised(consentId, recipientId, customerId, providerId, command.evidence(), expiresAt, now));
        return ConsentStatus.AUTHORISED;
    }

    @CommandHandler
    public ConsentStatus handle(RejectConsent command, Clock clock, @MetaDataValue(Attribution.PARTY) String party) {
        requireOwningProvider(party);
        Acting.of(party).requireProviderInitiator(command.initiator());
        requireAwaitingAuthorisation();
        apply(new ConsentRejected(consentId, recipientId, customerId, providerId, command.initiator(), clock.instant()));
        return ConsentStatus.REJECTED;
    }

    /**
     * Allowed while AWAITING_AUTHORISATION (a request withdrawn, or its link unlinked) or AUTHORISED.
     */
    @CommandHandler
    public ConsentStatus handle(RevokeConsent command, Clock clock, @MetaDataValue(Attribution.PARTY) String party) {
        Acting acting = Acting.of(party);
        if (consentId == null || !(acting.system() || acting.provider(providerId) || acting.recipient(recipientId))) {
            throw LedgerRefusal.of(CONSENT_UNKNOWN, Acting.NO_SUCH_ID);
        }
        if (command.reason() == RevocationReason.ACCOUNT_UNLINKED && !acting.system()) {
            // Issue 14, finding 14: the ledger records this reason itself when a link is unlinked.
            throw new Forbidden("Reason ACCOUNT_UNLINKED is recorded by the ledger only, when a link is unlinked");
        }
        if (acting.recipient(recipientId) && command.initiator() != Initiator.RECIPIENT) {
            throw new Forbidden("A recipient revokes as RECIPIENT only");
        }
        if (acting.provider(providerId)) {
            acting.requireProviderInitiator(command.initiator());
        }
        Instant now = clock.instant();
        requireKnown();
        requireNotTerminal();
        requireNotPastExpiry(now);
        apply(new ConsentRevoked(consentId, recipientId, customerId, providerId, List.copyOf(links.keySet()),
                command.reason(), command.initiator(), now));
        return ConsentStatus.REVOKED;
    }

    @CommandHandler
    public ConsentStatus handle(ReauthoriseConsent command, Clock clock, ClockSkew skew,
                                @MetaDataValue(Attribution.PARTY) String party) {
        requireOwningProvider(party);
        Instant now = clock.instant();
        skew.requireNotFuture(command.evidence().authorisedAt(), now, "evidence.authorisedAt");
        requireAuthorised();
        requireNotPastExpiry(now);
        checkExpiry(command.expiresAt(), authorisationAnchor(command.evidence(), now), now);
        apply(new ConsentReauthorised(consentId, recipientId, customerId, providerId, command.evidence(), expiresAt,
                command.expiresAt(), now));
        return ConsentStatus.AUTHORISED;
    }

    /**
     * Idempotent: a consent that is already terminal, or not yet due, ignores the command. Only one ConsentExpired
     * can ever be appended (the event store's optimistic concurrency arbitrates between instances).
     *
     * @return whether this command recorded the expiry
     */
    @CommandHandler
    public boolean handle(ExpireConsent command, Clock clock) {
        Instant now = clock.instant();
        if (consentId == null || status.isTerminal() || now.isBefore(expiresAt)) {
            return false;
        }
        apply(new ConsentExpired(consentId, recipientId, customerId, providerId, List.copyOf(links.keySet()), expiresAt, now));
        return true;
    }

    @CommandHandler
    public Object handle(ShareBalance command, Clock clock, ClockSkew skew, LinkDirectory directory,
                         @MetaDataValue(Attribution.PARTY) String party) {
        requireOwningProvider(party);
        if (alreadyRecorded(command.shareId(), ShareFingerprint.of(command)) != null) {
            return new RepeatedShare(command.shareId());
        }
        Instant now = clock.instant();
        skew.requireNotFuture(command.asOf(), now, "asOf");
        ConsentedLink link = requireShareable(command.linkId(), command.purpose(), now, directory);
        if (!scopes.contains(Scope.BALANCES)) {
            throw LedgerRefusal.of(SCOPE_NOT_GRANTED, "Consent " + consentId + " does not grant BALANCES");
        }
        requireCurrency(link, command.currency());
        requireFrequency(now);
        apply(new BalanceShared(command.shareId(), consentId, link.linkId(), recipientId, providerId, customerId,
                Scope.BALANCES, command.purpose(), command.amount(), command.currency(), command.asOf(),
                window.appliedAt(now), now));
        return command.shareId();
    }

    @CommandHandler
    public Object handle(ShareTransactions command, Clock clock, ClockSkew skew, LinkDirectory directory,
                         @MetaDataValue(Attribution.PARTY) String party) {
        requireOwningProvider(party);
        RecordedShare earlier = alreadyRecorded(command.shareId(), ShareFingerprint.of(command));
        if (earlier != null) {
            return new RepeatedShare(earlier.newTransactionIds());
        }
        Instant now = clock.instant();
        command.transactions().forEach(t -> skew.requireNotFuture(t.bookedAt(), now, "transactions[].bookedAt"));
        ConsentedLink link = requireShareable(command.linkId(), command.purpose(), now, directory);
        Scope scope;
        if (scopes.contains(Scope.TRANSACTIONS)) {
            scope = Scope.TRANSACTIONS;
        } else if (scopes.contains(Scope.TRANSACTIONS_VIA_RECIPIENT)) {
            scope = Scope.TRANSACTIONS_VIA_RECIPIENT;
            List<String> elsewhere = command.transactions().stream()
                                            .filter(t -> !t.channel().equals(recipientId))
                                            .map(SharedTransaction::transactionId).toList();
            if (!elsewhere.isEmpty()) {
                throw LedgerRefusal.of(TRANSACTION_NOT_VIA_RECIPIENT, "Consent " + consentId
                        + " grants only transactions made through its recipient; not: " + elsewhere);
            }
        } else {
            throw LedgerRefusal.of(SCOPE_NOT_GRANTED, "Consent " + consentId + " does not grant transactions");
        }
        for (SharedTransaction transaction : command.transactions()) {
            requireCurrency(link, transaction.currency());
        }
        AppliedWindow applied = window.appliedAt(now);
        List<String> outside = command.transactions().stream()
                                      .filter(t -> !applied.contains(t.bookedAt()))
                                      .map(SharedTransaction::transactionId).toList();
        if (!outside.isEmpty()) {
            throw LedgerRefusal.of(OUTSIDE_TRANSACTION_WINDOW, "Transactions " + outside + " were booked outside ["
                    + applied.from() + ", " + applied.to() + "]");
        }
        requireFrequency(now);
        List<String> ids = command.transactions().stream().map(SharedTransaction::transactionId).toList();
        Set<String> before = sharedTransactionIds.getOrDefault(link.linkId(), Set.of());
        List<String> fresh = ids.stream().filter(id -> !before.contains(id)).toList();
        apply(new TransactionsShared(command.shareId(), consentId, link.linkId(), recipientId, providerId, customerId,
                scope, command.purpose(), ids, fresh, applied, now,
                command.transactions().stream().map(TransactionFacts::of).toList()));
        return fresh;
    }

    // --- rules -------------------------------------------------------------------------------------------------

    /**
     * A share id this consent recorded (and still remembers): the same share again is answered from the record, the
     * id with other content is refused. Checked right after ownership, before status, expiry and frequency: the share
     * was recorded when those allowed it, and a retry must get the first answer even after the consent has ended.
     *
     * @return the earlier share, or null when the id is new
     */
    private RecordedShare alreadyRecorded(String shareId, String fingerprint) {
        RecordedShare earlier = recentShares().get(shareId);
        if (earlier != null && earlier.fingerprint() != null && !earlier.fingerprint().equals(fingerprint)) {
            throw LedgerRefusal.of(ALREADY_EXISTS, "Share " + shareId + " was recorded under consent " + consentId
                    + " with other content; a new share needs a new shareId");
        }
        return earlier;
    }

    private ConsentedLink requireShareable(String linkId, Purpose purpose, Instant now, LinkDirectory directory) {
        requireAuthorised();
        requireNotPastExpiry(now);
        ConsentedLink link = links.get(linkId);
        if (link == null) {
            throw LedgerRefusal.of(LINK_NOT_IN_CONSENT, "Link " + linkId + " is not covered by consent " + consentId);
        }
        requireLinked(directory, linkId);
        if (!purposes.contains(purpose)) {
            throw LedgerRefusal.of(PURPOSE_NOT_GRANTED, "Consent " + consentId + " does not grant purpose " + purpose);
        }
        return link;
    }

    private void requireKnown() {
        if (consentId == null) {
            throw LedgerRefusal.of(CONSENT_UNKNOWN, Acting.NO_SUCH_ID);
        }
    }

    /** First in every provider's command: someone else's consent is answered exactly like an unknown one. */
    private void requireOwningProvider(String party) {
        requireKnown();
        Acting.of(party).requireProvider(providerId, CONSENT_UNKNOWN);
    }

    private void requireNotTerminal() {
        switch (status) {
            case REJECTED -> throw LedgerRefusal.of(CONSENT_REJECTED, "Consent " + consentId + " was rejected");
            case REVOKED -> throw LedgerRefusal.of(CONSENT_REVOKED, "Consent " + consentId + " was revoked");
            case EXPIRED -> throw LedgerRefusal.of(CONSENT_EXPIRED, "Consent " + consentId + " has expired");
            default -> {
            }
        }
    }

    private void requireAwaitingAuthorisation() {
        requireKnown();
        requireNotTerminal();
        if (status != ConsentStatus.AWAITING_AUTHORISATION) {
            throw LedgerRefusal.of(CONSENT_NOT_AWAITING_AUTHORISATION, "Consent " + consentId + " is " + status);
        }
    }

    private void requireAuthorised() {
        requireKnown();
        requireNotTerminal();
        if (status != ConsentStatus.AUTHORISED) {
            throw LedgerRefusal.of(CONSENT_NOT_AUTHORISED, "Consent " + consentId + " is " + status);
        }
    }

    /** Shares, revocation and reauthorisation are refused from the exact expiresAt instant on. */
    private void requireNotPastExpiry(Instant now) {
        if (!now.isBefore(expiresAt)) {
            throw LedgerRefusal.of(CONSENT_EXPIRED, "Consent " + consentId + " expired at " + expiresAt);
        }
    }

    private void requireLinked(LinkDirectory directory, String linkId) {
        boolean linked = directory.find(linkId).map(LinkView::isLinked).orElse(false);
        if (!linked) {
            throw LedgerRefusal.of(LINK_UNLINKED, "Link " + linkId + " is unlinked");
        }
    }

    private void requireCurrency(ConsentedLink link, String currency) {
        if (!link.currency().equals(currency)) {
            throw LedgerRefusal.of(CURRENCY_MISMATCH, "Link " + link.linkId() + " is held in " + link.currency()
                    + ", not " + currency);
        }
    }

    private void requireFrequency(Instant now) {
        if (frequency.oneOff()) {
            if (totalShares >= 1) {
                throw LedgerRefusal.of(ONE_OFF_ALREADY_USED, "One-off consent " + consentId + " has been used");
            }
            return;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (today.equals(shareDay) && sharesOnShareDay >= frequency.maxPerDay()) {
            throw LedgerRefusal.of(FREQUENCY_EXCEEDED, "Consent " + consentId + " allows " + frequency.maxPerDay()
                    + " shares per UTC day");
        }
    }

    /** The bound counts from the customer's authorisation as evidenced, but never from later than now. */
    private static Instant authorisationAnchor(AuthorisationEvidence evidence, Instant now) {
        return evidence.authorisedAt().isBefore(now) ? evidence.authorisedAt() : now;
    }

    /**
     * Issue 14, finding 13: a fixed window reaches back no further than the longest lookback would at the request
     * ({@link TransactionWindow#MAX_LOOKBACK_DAYS} days) and ends no later than the consent's expiry.
     */
    private static void checkFixedWindow(TransactionWindow window, Instant expiresAt, Instant now) {
        if (window.lookbackBased()) {
            return;
        }
        if (window.from().isBefore(now.minus(Duration.ofDays(TransactionWindow.MAX_LOOKBACK_DAYS)))) {
            throw new InvalidCommand("window.from must be at most " + TransactionWindow.MAX_LOOKBACK_DAYS + " days before now");
        }
        if (window.to().isAfter(expiresAt)) {
            throw new InvalidCommand("window.to must not be after expiresAt");
        }
    }

    private static void checkExpiry(Instant expiresAt, Instant anchor, Instant now) {
        if (!expiresAt.isAfter(now)) {
            throw LedgerRefusal.of(EXPIRY_IN_PAST, "expiresAt " + expiresAt + " is not in the future");
        }
        if (expiresAt.isAfter(anchor.plus(MAX_AUTHORISATION))) {
            throw LedgerRefusal.of(EXPIRY_TOO_FAR, "expiresAt may be at most 365 days after the authorisation ("
                    + anchor.plus(MAX_AUTHORISATION) + ")");
        }
    }

    // --- state -------------------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(ConsentRequested event) {
        consentId = event.consentId();
        recipientId = event.recipientId();
        customerId = event.customerId();
        providerId = event.providerId();
        links = new LinkedHashMap<>();
        event.links().forEach(link -> links.put(link.linkId(), link));
        scopes = Set.copyOf(event.scopes());
        purposes = Set.copyOf(event.purposes());
        expiresAt = event.expiresAt();
        window = event.window();
        frequency = event.frequency();
        status = ConsentStatus.AWAITING_AUTHORISATION;
        sharedTransactionIds = new HashMap<>();
        recentShares = new LinkedHashMap<>();
    }

    @EventSourcingHandler
    void on(ConsentAuthorised event) {
        status = ConsentStatus.AUTHORISED;
    }

    @EventSourcingHandler
    void on(ConsentRejected event) {
        status = ConsentStatus.REJECTED;
    }

    @EventSourcingHandler
    void on(ConsentRevoked event) {
        status = ConsentStatus.REVOKED;
    }

    @EventSourcingHandler
    void on(ConsentReauthorised event) {
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(ConsentExpired event) {
        status = ConsentStatus.EXPIRED;
    }

    @EventSourcingHandler
    void on(BalanceShared event) {
        countShare(event.sharedAt());
        remember(event.shareId(), new RecordedShare(event.sharedAt(), ShareFingerprint.of(event), List.of()));
    }

    @EventSourcingHandler
    void on(TransactionsShared event) {
        countShare(event.sharedAt());
        if (event.newTransactionIds() != null) { // null once the customer's data is erased (issue 16)
            sharedTransactionIds.computeIfAbsent(event.linkId(), id -> new HashSet<>()).addAll(event.newTransactionIds());
        }
        remember(event.shareId(), new RecordedShare(event.sharedAt(), ShareFingerprint.of(event),
                event.newTransactionIds() == null ? List.of() : List.copyOf(event.newTransactionIds())));
    }

    /** Remembers a share, and forgets those recorded more than {@link #SHARE_ID_MEMORY} before it. */
    private void remember(String shareId, RecordedShare share) {
        LinkedHashMap<String, RecordedShare> shares = recentShares();
        shares.putIfAbsent(shareId, share);
        Instant horizon = share.sharedAt().minus(SHARE_ID_MEMORY);
        var oldest = shares.values().iterator();
        while (oldest.hasNext() && oldest.next().sharedAt().isBefore(horizon)) {
            oldest.remove();
        }
    }

    private LinkedHashMap<String, RecordedShare> recentShares() {
        if (recentShares == null) {
            recentShares = new LinkedHashMap<>();
        }
        return recentShares;
    }

    /**
     * What the consent keeps of a recorded share to answer it again: when, a fingerprint of its content
     * ({@link ShareFingerprint}; null for an event from before transactions' facts were recorded, whose repeat is
     * taken to be the same share), and the transaction ids that were new with it (empty for a balance).
     */
    record RecordedShare(Instant sharedAt, String fingerprint, List<String> newTransactionIds) {
    }

    private void countShare(Instant sharedAt) {
        totalShares++;
        LocalDate day = LocalDate.ofInstant(sharedAt, ZoneOffset.UTC);
        if (day.equals(shareDay)) {
            sharesOnShareDay++;
        } else {
            shareDay = day;
            sharesOnShareDay = 1;
        }
    }
}
