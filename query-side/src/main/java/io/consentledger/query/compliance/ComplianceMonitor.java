package io.consentledger.query.compliance;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.mongodb.client.model.Filters.eq;

/**
 * Was any data shared outside a consent? This check re-derives every consent's state from the events and
 * re-checks every share against it. It trusts nothing the command side decided, so a share that reached the log
 * any other way (a bug, or a write that bypassed the command side) is reported.
 * <p>
 * It runs on one segment, in global order, because an unlink (a link event) must be seen before the shares that
 * follow it (consent events). State is kept per consent and per link by {@code _id}.
 * <p>
 * <b>Redelivery.</b> A share delivered again (its first handling failed half-way, the processor restarted before its
 * token moved, or the dead-letter queue retries it) is checked again in full, and reports exactly what one delivery
 * reports: violations are keyed by event and rule, and the share is counted towards its consent's daily limit once,
 * guarded by the consent's {@code countedThrough} (the share's sequence number in its consent, which only grows in
 * delivery order). {@code compliance_checked} holds the event ids counted in {@code sharesChecked}; it is written
 * after the checks, so a failure can never leave a share marked but unchecked.
 */
@Component
@ProcessingGroup(ComplianceMonitor.GROUP)
public class ComplianceMonitor {

    public static final String GROUP = "compliance";
    static final String CONSENTS = "compliance_consents";
    static final String LINKS = "compliance_links";
    static final String CHECKED = "compliance_checked";
    static final String VIOLATIONS = "compliance_violations";
    static final String STATUS = "compliance_status";

    private final MongoCollection<Document> consents;
    private final MongoCollection<Document> links;
    private final MongoCollection<Document> checked;
    private final MongoCollection<Document> violations;
    private final MongoCollection<Document> status;
    private final EventLog eventLog;

    public ComplianceMonitor(MongoDatabase database, EventLog eventLog) {
        this.consents = database.getCollection(CONSENTS);
        this.links = database.getCollection(LINKS);
        this.checked = database.getCollection(CHECKED);
        this.violations = database.getCollection(VIOLATIONS);
        this.status = database.getCollection(STATUS);
        this.eventLog = eventLog;
    }

    @EventHandler
    void on(ConsentRequested event, TrackingToken token) {
        Document window = new Document("from", Docs.date(event.window().from()))
                .append("to", Docs.date(event.window().to()))
                .append("lookbackDays", event.window().lookbackDays());
        Document consent = new Document("_id", event.consentId())
                .append("status", "AWAITING_AUTHORISATION")
                .append("recipientId", event.recipientId())
                .append("scopes", event.scopes().stream().map(Enum::name).toList())
                .append("purposes", event.purposes().stream().map(Enum::name).toList())
                .append("linkIds", event.links().stream().map(ConsentedLink::linkId).toList())
                .append("window", window)
                .append("oneOff", event.frequency().oneOff())
                .append("maxPerDay", event.frequency().maxPerDay())
                .append("expiresAt", Docs.date(event.expiresAt()))
                .append("sharesByDay", new Document());
        consents.replaceOne(eq("_id", event.consentId()), consent, new ReplaceOptions().upsert(true));
        advance(token);
    }

    @EventHandler
    void on(ConsentAuthorised event, TrackingToken token) {
        consents.updateOne(eq("_id", event.consentId()), Updates.combine(
                Updates.set("status", "AUTHORISED"), Updates.set("expiresAt", Docs.date(event.expiresAt()))));
        advance(token);
    }

    @EventHandler
    void on(ConsentReauthorised event, TrackingToken token) {
        consents.updateOne(eq("_id", event.consentId()), Updates.set("expiresAt", Docs.date(event.expiresAt())));
        advance(token);
    }

    @EventHandler
    void on(ConsentRejected event, TrackingToken token) {
        terminal(event.consentId(), "REJECTED", token);
    }

    @EventHandler
    void on(ConsentRevoked event, TrackingToken token) {
        terminal(event.consentId(), "REVOKED", token);
    }

    @EventHandler
    void on(ConsentExpired event, TrackingToken token) {
        terminal(event.consentId(), "EXPIRED", token);
    }

    @EventHandler
    void on(BankAccountUnlinked event, TrackingToken token) {
        links.updateOne(eq("_id", event.linkId()), Updates.set("unlinkedAt", Docs.date(event.unlinkedAt())),
                        new UpdateOptions().upsert(true));
        advance(token);
    }

    @EventHandler
    void on(BalanceShared event, EventMessage<?> message, TrackingToken token) {
        Share share = new Share(message.getIdentifier(), position(token), sequence(message, event.consentId()),
                                event.shareId(), event.consentId(), event.linkId(), event.recipientId(),
                                event.customerId(), event.scope(), event.purpose(), event.sharedAt(), List.of());
        check(share, Scope.BALANCES);
        advance(token, markChecked(share));
    }

    @EventHandler
    void on(TransactionsShared event, EventMessage<?> message, TrackingToken token) {
        Share share = new Share(message.getIdentifier(), position(token), sequence(message, event.consentId()),
                                event.shareId(), event.consentId(), event.linkId(), event.recipientId(),
                                event.customerId(), event.scope(), event.purpose(), event.sharedAt(), event.transactions());
        check(share, event.scope());
        advance(token, markChecked(share));
    }

    /**
     * The share's sequence number in its consent's event stream; -1 for a share that is not an event of that consent
     * (it can only have been written past the command side), which is then counted on every delivery.
     */
    private static long sequence(EventMessage<?> message, String consentId) {
        return message instanceof DomainEventMessage<?> domain && domain.getType() != null
                && consentId.equals(domain.getAggregateIdentifier()) ? domain.getSequenceNumber() : -1;
    }

    /** A share as checked; {@code sequence} is its sequence number in its consent's event stream. */
    private record Share(String eventId, long position, long sequence, String shareId, String consentId,
                         String linkId, String recipientId, String customerId, Scope scope, Purpose purpose,
                         Instant sharedAt, List<TransactionFacts> transactions) {
    }

    /** True the first time: the share then counts in {@code sharesChecked}. */
    private boolean markChecked(Share share) {
        try {
            checked.insertOne(new Document("_id", share.eventId()));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false; // delivered again: checked again above, counted already
            }
            throw e;
        }
    }

    private void check(Share share, Scope clusterShared) {
        Document consent = consents.find(eq("_id", share.consentId())).first();
        if (consent == null) {
            report(share, ComplianceRule.UNKNOWN_CONSENT, "no consent " + share.consentId() + " in the log");
            return;
        }
        switch (consent.getString("status")) {
            case "AWAITING_AUTHORISATION" -> report(share, ComplianceRule.SHARED_BEFORE_AUTHORISATION, "consent not yet authorised");
            case "REVOKED" -> report(share, ComplianceRule.SHARED_AFTER_REVOCATION, "consent revoked earlier in the log");
            case "REJECTED" -> report(share, ComplianceRule.SHARED_AFTER_REJECTION, "consent rejected earlier in the log");
            case "EXPIRED" -> report(share, ComplianceRule.SHARED_AFTER_EXPIRY, "consent expired earlier in the log");
            default -> {
                Instant expiresAt = Docs.instant(consent, "expiresAt");
                if (expiresAt != null && !share.sharedAt().isBefore(expiresAt)) {
                    report(share, ComplianceRule.SHARED_AFTER_EXPIRY, "shared at " + share.sharedAt() + ", expired at " + expiresAt);
                }
            }
        }
        if (!share.recipientId().equals(consent.getString("recipientId"))) {
            report(share, ComplianceRule.RECIPIENT_MISMATCH,
                   "consent is for " + consent.getString("recipientId") + ", share names " + share.recipientId());
        }
        Set<String> purposes = Set.copyOf(Docs.strings(consent, "purposes"));
        if (share.purpose().isProhibited() || !purposes.contains(share.purpose().name())) {
            report(share, ComplianceRule.PURPOSE_NOT_GRANTED, share.purpose() + " is not among " + purposes);
        }
        Set<String> scopes = Set.copyOf(Docs.strings(consent, "scopes"));
        if (!scopes.contains(clusterShared.name()) || !scopes.contains(share.scope().name())) {
            report(share, ComplianceRule.SCOPE_NOT_GRANTED, clusterShared + " is not among " + scopes);
        }
        if (!Docs.strings(consent, "linkIds").contains(share.linkId())) {
            report(share, ComplianceRule.LINK_NOT_IN_CONSENT, "link " + share.linkId() + " is not in the consent");
        }
        Document link = links.find(eq("_id", share.linkId())).first();
        if (link != null && link.getDate("unlinkedAt") != null) {
            report(share, ComplianceRule.SHARED_AFTER_UNLINK, "link unlinked at " + Docs.instant(link, "unlinkedAt"));
        }
        checkWindowAndChannel(share, consent);
        checkFrequency(share, consent);
    }

    private void checkWindowAndChannel(Share share, Document consent) {
        if (share.transactions().isEmpty()) {
            return;
        }
        Document w = consent.get("window", Document.class);
        TransactionWindow window = w.getInteger("lookbackDays") != null
                ? TransactionWindow.lookback(w.getInteger("lookbackDays"))
                : TransactionWindow.fixed(Docs.instant(w, "from"), Docs.instant(w, "to"));
        AppliedWindow applied = window.appliedAt(share.sharedAt());
        List<String> outside = share.transactions().stream().filter(t -> !applied.contains(t.bookedAt()))
                                    .map(TransactionFacts::transactionId).toList();
        if (!outside.isEmpty()) {
            report(share, ComplianceRule.OUTSIDE_WINDOW,
                   outside + " booked outside [" + applied.from() + ", " + applied.to() + "]");
        }
        if (share.scope() == Scope.TRANSACTIONS_VIA_RECIPIENT) {
            List<String> elsewhere = share.transactions().stream()
                                          .filter(t -> !share.recipientId().equals(t.channel()))
                                          .map(TransactionFacts::transactionId).toList();
            if (!elsewhere.isEmpty()) {
                report(share, ComplianceRule.CHANNEL_NOT_RECIPIENT,
                       elsewhere + " did not go through " + share.recipientId());
            }
        }
    }

    private void checkFrequency(Share share, Document consent) {
        String day = share.sharedAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
        Document byDay = consent.get("sharesByDay", Document.class);
        long total = byDay.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        long today = byDay.get(day, Number.class) == null ? 0 : byDay.get(day, Number.class).longValue();
        Number countedThrough = consent.get("countedThrough", Number.class);
        if (share.sequence() >= 0 && countedThrough != null && countedThrough.longValue() >= share.sequence()) {
            // Delivered again after it was counted: the counts already include this share.
            total--;
            today--;
        } else {
            Bson count = Updates.inc("sharesByDay." + day, 1);
            consents.updateOne(eq("_id", share.consentId()), share.sequence() < 0 ? count
                    : Updates.combine(count, Updates.set("countedThrough", share.sequence())));
        }
        AccessFrequency frequency = consent.getBoolean("oneOff", false) ? AccessFrequency.once()
                : AccessFrequency.perDay(consent.getInteger("maxPerDay", Integer.MAX_VALUE));
        if (frequency.oneOff() && total >= 1) {
            report(share, ComplianceRule.FREQUENCY_EXCEEDED, "one-off consent already used");
        } else if (!frequency.oneOff() && today >= frequency.maxPerDay()) {
            report(share, ComplianceRule.FREQUENCY_EXCEEDED,
                   "share " + (today + 1) + " on " + day + ", at most " + frequency.maxPerDay() + " a day");
        }
    }

    private void report(Share share, ComplianceRule rule, String detail) {
        violations.replaceOne(eq("_id", share.eventId() + "/" + rule.name()),
                              new Document("_id", share.eventId() + "/" + rule.name())
                                      .append("eventId", share.eventId())
                                      .append("globalPosition", share.position())
                                      .append("rule", rule.name())
                                      .append("detail", detail)
                                      .append("shareId", share.shareId())
                                      .append("consentId", share.consentId())
                                      .append("linkId", share.linkId())
                                      .append("recipientId", share.recipientId())
                                      .append("customerId", share.customerId())
                                      .append("sharedAt", Docs.date(share.sharedAt())),
                              new ReplaceOptions().upsert(true));
    }

    private void terminal(String consentId, String terminalStatus, TrackingToken token) {
        consents.updateOne(eq("_id", consentId), Updates.set("status", terminalStatus));
        advance(token);
    }

    private void advance(TrackingToken token) {
        advance(token, false);
    }

    /** Moves {@code checkedThrough}, and counts a share in {@code sharesChecked}, in one write. */
    private void advance(TrackingToken token, boolean shareChecked) {
        long position = position(token);
        List<Bson> updates = new ArrayList<>();
        if (position >= 0) {
            updates.add(Updates.max("checkedThrough", position));
        }
        if (shareChecked) {
            updates.add(Updates.inc("sharesChecked", 1L));
        }
        if (!updates.isEmpty()) {
            status.updateOne(eq("_id", "status"), Updates.combine(updates), new UpdateOptions().upsert(true));
        }
    }

    private static long position(TrackingToken token) {
        return token == null ? -1 : token.position().orElse(-1);
    }

    @ResetHandler
    void reset() {
        for (MongoCollection<Document> collection : List.of(consents, links, checked, violations, status)) {
            collection.deleteMany(new Document());
        }
    }

    @QueryHandler
    public ComplianceReport handle(CheckCompliance query) {
        Document filter = query.consentId() == null ? new Document() : new Document("consentId", query.consentId());
        List<Violation> found = new ArrayList<>();
        violations.find(filter).sort(Sorts.ascending("globalPosition", "rule")).forEach(d -> found.add(
                new Violation(d.getString("eventId"), d.get("globalPosition", Number.class).longValue(),
                              d.getString("rule"), d.getString("detail"), d.getString("shareId"),
                              d.getString("consentId"), d.getString("linkId"), d.getString("recipientId"),
                              d.getString("customerId"), Docs.instant(d, "sharedAt"))));
        Document progress = status.find(eq("_id", "status")).first();
        long sharesChecked = progress == null || progress.get("sharesChecked") == null ? 0
                : progress.get("sharesChecked", Number.class).longValue();
        long through = progress == null || progress.get("checkedThrough") == null ? 0
                : progress.get("checkedThrough", Number.class).longValue();
        return new ComplianceReport(found.isEmpty(), sharesChecked, through, eventLog.head(), found);
    }
}
