package io.consentledger.query.compliance;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
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
import io.consentledger.query.BatchDocuments;
import io.consentledger.query.BatchedWrites;
import io.consentledger.query.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static com.mongodb.client.model.Filters.eq;

/**
 * Was any data shared outside a consent? This check re-derives every consent's state from the events and
 * re-checks every share against it. It trusts nothing the command side decided, so a share that reached the log
 * any other way (a bug, or a write that bypassed the command side) is reported.
 * <p>
 * It runs on one segment, in global order, because an unlink (a link event) must be seen before the shares that
 * follow it (consent events). State is kept per consent and per link by {@code _id}.
 * <p>
 * <b>Batches.</b> The events of one processor batch are checked against state held in memory for the batch, and the
 * batch's changes are written together before the token moves ({@link BatchedWrites}): a consent or link is read
 * once per batch, and each collection written once, in this order: violations, consents, links, the checked markers,
 * the status.
 * <p>
 * <b>Redelivery.</b> A share delivered again is checked again in full and reports exactly what one delivery reports;
 * violations are keyed by event and rule.
 * <ul>
 *   <li>A processor batch comes again when its writes failed half-way, or its token was not stored (a crash, a
 *   segment taken over), from the same token its processor had stored. A consent or link document keeps that token
 *   for the batch that wrote it ({@code writtenAfter}) and its state before that batch ({@code beforeBatch}); a batch
 *   that starts from the same stored token starts from the earlier state. So the shares of a consent revoked, or of
 *   a link unlinked, later in the same batch are not judged by that later state, and the daily counts do not include
 *   them twice.</li>
 *   <li>An event delivered on its own (the dead-letter queue retries it) is checked against the current state, and
 *   counted towards its consent's daily limit once, through the consent's {@code recentShares} (the sequence
 *   numbers in the consent, with their days, of its latest counted shares): a share found there was counted, with
 *   those after it, so its limit is checked against the shares before it.</li>
 *   <li>{@code compliance_checked} holds the ids of the share events checked; {@code sharesChecked} is their number.
 *   The markers are written after the checks, so a failure can never leave a share marked but unchecked. (A
 *   separate counter, moved in another write, lost its count when that write failed.)</li>
 * </ul>
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

    /**
     * How many of a consent's latest counted shares it remembers, to recognise one delivered again on its own: a dead
     * letter whose retry failed after the counts were written, retried again before this many later shares of its
     * consent were counted. (A processor batch delivered again needs none of this: it starts from the state before
     * the batch.) Kept small, because the consent document is rewritten, with its state before the batch, after every
     * batch that shares under it.
     */
    static final int RECENT_SHARES = 20;
    private static final String WRITTEN_AFTER = "writtenAfter";
    private static final String BEFORE_BATCH = "beforeBatch";
    private static final JsonWriterSettings EXACT = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    /**
     * Fields of a consent or link document that record the processor batch that last wrote it, not the check's
     * state: a replay, with other batches, writes other values.
     */
    public static final List<String> BATCH_FIELDS = List.of(WRITTEN_AFTER, BEFORE_BATCH);

    private final MongoCollection<Document> consents;
    private final MongoCollection<Document> links;
    private final MongoCollection<Document> checked;
    private final MongoCollection<Document> violations;
    private final MongoCollection<Document> status;
    private final EventLog eventLog;
    private final TokenStore tokenStore;
    private final BatchedWrites<Batch> batches = new BatchedWrites<>(GROUP, Batch::new, Batch::write);

    public ComplianceMonitor(MongoDatabase database, EventLog eventLog, TokenStore tokenStore) {
        this.consents = database.getCollection(CONSENTS);
        this.links = database.getCollection(LINKS);
        this.checked = database.getCollection(CHECKED);
        this.violations = database.getCollection(VIOLATIONS);
        this.status = database.getCollection(STATUS);
        this.eventLog = eventLog;
        this.tokenStore = tokenStore;
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
        inBatch(batch -> {
            batch.consents.put(event.consentId(), consent);
            batch.advance(token);
        });
    }

    @EventHandler
    void on(ConsentAuthorised event, TrackingToken token) {
        update(event.consentId(), token, consent -> {
            consent.put("status", "AUTHORISED");
            consent.put("expiresAt", Docs.date(event.expiresAt()));
        });
    }

    @EventHandler
    void on(ConsentReauthorised event, TrackingToken token) {
        update(event.consentId(), token, consent -> consent.put("expiresAt", Docs.date(event.expiresAt())));
    }

    @EventHandler
    void on(ConsentRejected event, TrackingToken token) {
        update(event.consentId(), token, consent -> consent.put("status", "REJECTED"));
    }

    @EventHandler
    void on(ConsentRevoked event, TrackingToken token) {
        update(event.consentId(), token, consent -> consent.put("status", "REVOKED"));
    }

    @EventHandler
    void on(ConsentExpired event, TrackingToken token) {
        update(event.consentId(), token, consent -> consent.put("status", "EXPIRED"));
    }

    @EventHandler
    void on(BankAccountUnlinked event, TrackingToken token) {
        inBatch(batch -> {
            Document link = batch.links.get(event.linkId());
            batch.links.put(event.linkId(), (link == null ? new Document("_id", event.linkId()) : link)
                    .append("unlinkedAt", Docs.date(event.unlinkedAt())));
            batch.advance(token);
        });
    }

    @EventHandler
    void on(BalanceShared event, EventMessage<?> message, TrackingToken token) {
        Share share = new Share(message.getIdentifier(), position(token), sequence(message, event.consentId()),
                                event.shareId(), event.consentId(), event.linkId(), event.recipientId(),
                                event.customerId(), event.scope(), event.purpose(), event.sharedAt(), List.of());
        inBatch(batch -> check(batch, share, Scope.BALANCES, token));
    }

    @EventHandler
    void on(TransactionsShared event, EventMessage<?> message, TrackingToken token) {
        Share share = new Share(message.getIdentifier(), position(token), sequence(message, event.consentId()),
                                event.shareId(), event.consentId(), event.linkId(), event.recipientId(),
                                event.customerId(), event.scope(), event.purpose(), event.sharedAt(), event.transactions());
        inBatch(batch -> check(batch, share, event.scope(), token));
    }

    private void inBatch(Consumer<Batch> work) {
        batches.apply(batch -> work.accept(batch.withOrigin()));
    }

    /** A consent event changes the consent's state, if the check knows the consent (it was requested in the log). */
    private void update(String consentId, TrackingToken token, Consumer<Document> change) {
        inBatch(batch -> {
            Document consent = batch.consents.get(consentId);
            if (consent != null) {
                change.accept(consent);
                batch.consents.put(consentId, consent);
            }
            batch.advance(token);
        });
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

    private void check(Batch batch, Share share, Scope clusterShared, TrackingToken token) {
        checkAgainstConsent(batch, share, clusterShared);
        batch.checked.add(share.eventId());
        batch.advance(token);
    }

    private void checkAgainstConsent(Batch batch, Share share, Scope clusterShared) {
        Document consent = batch.consents.get(share.consentId());
        if (consent == null) {
            batch.report(share, ComplianceRule.UNKNOWN_CONSENT, "no consent " + share.consentId() + " in the log");
            return;
        }
        switch (consent.getString("status")) {
            case "AWAITING_AUTHORISATION" -> batch.report(share, ComplianceRule.SHARED_BEFORE_AUTHORISATION, "consent not yet authorised");
            case "REVOKED" -> batch.report(share, ComplianceRule.SHARED_AFTER_REVOCATION, "consent revoked earlier in the log");
            case "REJECTED" -> batch.report(share, ComplianceRule.SHARED_AFTER_REJECTION, "consent rejected earlier in the log");
            case "EXPIRED" -> batch.report(share, ComplianceRule.SHARED_AFTER_EXPIRY, "consent expired earlier in the log");
            default -> {
                Instant expiresAt = Docs.instant(consent, "expiresAt");
                if (expiresAt != null && !share.sharedAt().isBefore(expiresAt)) {
                    batch.report(share, ComplianceRule.SHARED_AFTER_EXPIRY, "shared at " + share.sharedAt() + ", expired at " + expiresAt);
                }
            }
        }
        if (!share.recipientId().equals(consent.getString("recipientId"))) {
            batch.report(share, ComplianceRule.RECIPIENT_MISMATCH,
                         "consent is for " + consent.getString("recipientId") + ", share names " + share.recipientId());
        }
        Set<String> purposes = Set.copyOf(Docs.strings(consent, "purposes"));
        if (share.purpose().isProhibited() || !purposes.contains(share.purpose().name())) {
            batch.report(share, ComplianceRule.PURPOSE_NOT_GRANTED, share.purpose() + " is not among " + purposes);
        }
        Set<String> scopes = Set.copyOf(Docs.strings(consent, "scopes"));
        if (!scopes.contains(clusterShared.name()) || !scopes.contains(share.scope().name())) {
            batch.report(share, ComplianceRule.SCOPE_NOT_GRANTED, clusterShared + " is not among " + scopes);
        }
        if (!Docs.strings(consent, "linkIds").contains(share.linkId())) {
            batch.report(share, ComplianceRule.LINK_NOT_IN_CONSENT, "link " + share.linkId() + " is not in the consent");
        }
        Document link = batch.links.get(share.linkId());
        if (link != null && link.getDate("unlinkedAt") != null) {
            batch.report(share, ComplianceRule.SHARED_AFTER_UNLINK, "link unlinked at " + Docs.instant(link, "unlinkedAt"));
        }
        checkWindowAndChannel(batch, share, consent);
        checkFrequency(batch, share, consent);
    }

    private void checkWindowAndChannel(Batch batch, Share share, Document consent) {
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
            batch.report(share, ComplianceRule.OUTSIDE_WINDOW,
                         outside + " booked outside [" + applied.from() + ", " + applied.to() + "]");
        }
        if (share.scope() == Scope.TRANSACTIONS_VIA_RECIPIENT) {
            List<String> elsewhere = share.transactions().stream()
                                          .filter(t -> !share.recipientId().equals(t.channel()))
                                          .map(TransactionFacts::transactionId).toList();
            if (!elsewhere.isEmpty()) {
                batch.report(share, ComplianceRule.CHANNEL_NOT_RECIPIENT,
                             elsewhere + " did not go through " + share.recipientId());
            }
        }
    }

    private void checkFrequency(Batch batch, Share share, Document consent) {
        String day = share.sharedAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
        Document byDay = consent.get("sharesByDay", Document.class);
        long total = byDay.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        long today = byDay.get(day, Number.class) == null ? 0 : byDay.get(day, Number.class).longValue();
        List<Document> recent = new ArrayList<>(consent.getList("recentShares", Document.class, List.of()));
        if (share.sequence() >= 0 && recent.stream().anyMatch(r -> r.getLong("seq") == share.sequence())) {
            // Delivered again (its batch failed after the counts were written): the counts include this share and
            // those after it in the consent; the limit applies to the shares before it.
            for (Document counted : recent) {
                if (counted.getLong("seq") >= share.sequence()) {
                    total--;
                    today -= day.equals(counted.getString("day")) ? 1 : 0;
                }
            }
        } else {
            byDay.put(day, today + 1);
            if (share.sequence() >= 0) {
                recent.add(new Document("seq", share.sequence()).append("day", day));
                consent.put("recentShares", recent.subList(Math.max(0, recent.size() - RECENT_SHARES), recent.size()));
            }
            batch.consents.put(share.consentId(), consent);
        }
        AccessFrequency frequency = consent.getBoolean("oneOff", false) ? AccessFrequency.once()
                : AccessFrequency.perDay(consent.getInteger("maxPerDay", Integer.MAX_VALUE));
        if (frequency.oneOff() && total >= 1) {
            batch.report(share, ComplianceRule.FREQUENCY_EXCEEDED, "one-off consent already used");
        } else if (!frequency.oneOff() && today >= frequency.maxPerDay()) {
            batch.report(share, ComplianceRule.FREQUENCY_EXCEEDED,
                         "share " + (today + 1) + " on " + day + ", at most " + frequency.maxPerDay() + " a day");
        }
    }

    private static long position(TrackingToken token) {
        return token == null ? -1 : token.position().orElse(-1);
    }

    /**
     * The state one batch of events reads and changes. Consents and links are read from the store once per batch,
     * when first needed, and every change is written at the end of the batch, in this order: violations, consents,
     * links, the checked markers, the status. A failure anywhere fails the batch, which is then checked again in
     * full.
     */
    private final class Batch {

        final BatchDocuments consents = new BatchDocuments(ComplianceMonitor.this.consents, this::asOfOrigin);
        final BatchDocuments links = new BatchDocuments(ComplianceMonitor.this.links, this::asOfOrigin);
        /** The state of each loaded document before this batch, kept with it when it is written back. */
        private final Map<String, Document> beforeBatch = new HashMap<>();
        final Map<String, Document> violations = new LinkedHashMap<>();
        final Set<String> checked = new LinkedHashSet<>();
        final boolean fromProcessor;
        /**
         * A processor batch's origin: the token its processor had stored when the batch began, which the events of
         * the batch follow, and from which the same batch starts again if it fails. Null before the first event,
         * and outside a processor batch.
         */
        String origin;
        long checkedThrough = -1;

        Batch(boolean fromProcessor) {
            this.fromProcessor = fromProcessor;
        }

        /** Called for each event before it reads any state; the first event of a processor batch finds the origin. */
        Batch withOrigin() {
            if (fromProcessor && origin == null) {
                Integer segment = CurrentUnitOfWork.isStarted()
                        ? CurrentUnitOfWork.get().getResource("Processor[" + GROUP + "]/SegmentId") : null;
                if (segment != null) { // Axon's WorkPackage names the segment there
                    origin = String.valueOf(tokenStore.fetchToken(GROUP, segment));
                }
            }
            return this;
        }

        /**
         * The document as it was before the batch. A processor batch starts after the stored token; a document
         * written by an earlier attempt from the same stored token (it failed, or its token was not stored) already
         * holds the changes of the events being delivered again, so its state from before that attempt is used.
         * (The origin is the stored token, not the first event's position: an event that fills a gap leaves the
         * position where it was, and would make the next batch look like the last one again.) An event delivered
         * on its own (a dead letter) is checked against the current state, and leaves that record of the last
         * processor batch as it was.
         */
        private Document asOfOrigin(Document stored) {
            if (origin == null) {
                return stored;
            }
            Document state = origin.equals(stored.getString(WRITTEN_AFTER)) ? stored.get(BEFORE_BATCH, Document.class)
                    : stored;
            if (state != null) {
                state.remove(WRITTEN_AFTER);
                state.remove(BEFORE_BATCH);
                beforeBatch.put(stored.getString("_id"), deepCopy(state));
            }
            return state;
        }

        /** A changed document as stored: with its state before the batch, when the batch is a processor's. */
        private Document asStored(String id, Document document) {
            return origin == null ? document : new Document(document).append(WRITTEN_AFTER, origin)
                                                                     .append(BEFORE_BATCH, beforeBatch.get(id));
        }

        void advance(TrackingToken token) {
            checkedThrough = Math.max(checkedThrough, position(token));
        }

        void report(Share share, ComplianceRule rule, String detail) {
            String id = share.eventId() + "/" + rule.name();
            violations.put(id, new Document("_id", id)
                    .append("eventId", share.eventId())
                    .append("globalPosition", share.position())
                    .append("rule", rule.name())
                    .append("detail", detail)
                    .append("shareId", share.shareId())
                    .append("consentId", share.consentId())
                    .append("linkId", share.linkId())
                    .append("recipientId", share.recipientId())
                    .append("customerId", share.customerId())
                    .append("sharedAt", Docs.date(share.sharedAt())));
        }

        void write() {
            Docs.replaceAll(ComplianceMonitor.this.violations, violations.values());
            consents.write(this::asStored);
            links.write(this::asStored);
            markChecked();
            if (checkedThrough >= 0) {
                status.updateOne(eq("_id", "status"), Updates.max("checkedThrough", checkedThrough),
                                 new UpdateOptions().upsert(true));
            }
        }

        /** Marks the batch's shares checked, but for those marked already (a batch delivered again). */
        private void markChecked() {
            if (checked.isEmpty()) {
                return;
            }
            Set<String> unmarked = new LinkedHashSet<>(checked);
            unmarked.removeAll(Docs.storedIds(ComplianceMonitor.this.checked, checked));
            if (!unmarked.isEmpty()) {
                ComplianceMonitor.this.checked.insertMany(unmarked.stream().map(id -> new Document("_id", id)).toList());
            }
        }
    }

    private static Document deepCopy(Document document) {
        return Document.parse(document.toJson(EXACT));
    }

    @ResetHandler
    void reset() {
        for (MongoCollection<Document> collection : List.of(consents, links, checked, violations, status)) {
            collection.deleteMany(new Document());
        }
    }

    /** Registered on the {@value #GROUP} processor: a batch of events is checked with one write per collection. */
    public BatchedWrites<?> batchedWrites() {
        return batches;
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
        long sharesChecked = checked.countDocuments();
        long through = progress == null || progress.get("checkedThrough") == null ? 0
                : progress.get("checkedThrough", Number.class).longValue();
        return new ComplianceReport(found.isEmpty(), sharesChecked, through, eventLog.head(), found);
    }
}
