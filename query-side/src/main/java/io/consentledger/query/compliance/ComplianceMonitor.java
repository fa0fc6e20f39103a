package io.consentledger.query.compliance;

import com.mongodb.client.model.Filters;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.query.erasure.ErasedValues;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.audit.ComplianceReport;
import io.consentledger.contracts.audit.Violation;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.projection.BatchedWrites;
import io.consentledger.query.projection.ConsentTermsDocs;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static com.mongodb.client.model.Filters.eq;

/**
 * Was any data shared outside a consent? This check re-derives every consent's state from the events and
 * re-checks every share against it ({@link ShareChecks}, pure functions). It trusts nothing the command side decided,
 * so a share that reached the log any other way (a bug, or a write that bypassed the command side) is reported.
 * <p>
 * It runs on one segment, in global order, because an unlink (a link event) must be seen before the shares that
 * follow it (consent events). State is kept per consent and per link by {@code _id}.
 * <p>
 * The events of one processor batch are checked against state held in memory for the batch, and the batch's changes
 * are written together before the token moves ({@link BatchedWrites}); a share delivered again is checked again in
 * full and reports exactly what one delivery reports ({@link ComplianceBatch}). Violations are keyed by event and rule.
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
     * Fields of a consent or link document that record the processor batch that last wrote it, not the check's
     * state: a replay, with other batches, writes other values.
     */
    public static final List<String> BATCH_FIELDS = List.of(ComplianceBatch.WRITTEN_AFTER, ComplianceBatch.BEFORE_BATCH);

    private final MongoCollection<Document> consents;
    private final MongoCollection<Document> links;
    private final MongoCollection<Document> checked;
    private final MongoCollection<Document> violations;
    private final MongoCollection<Document> status;
    private final EventLog eventLog;
    private final BatchedWrites<ComplianceBatch> batches;

    public ComplianceMonitor(MongoDatabase database, EventLog eventLog, TokenStore tokenStore) {
        this.consents = database.getCollection(CONSENTS);
        this.links = database.getCollection(LINKS);
        this.checked = database.getCollection(CHECKED);
        this.violations = database.getCollection(VIOLATIONS);
        this.status = database.getCollection(STATUS);
        this.eventLog = eventLog;
        ComplianceBatch.Store store = new ComplianceBatch.Store(consents, links, checked, violations, status, tokenStore,
                                                                eventLog);
        this.batches = new BatchedWrites<>(GROUP, fromProcessor -> new ComplianceBatch(store, fromProcessor),
                                           ComplianceBatch::write);
        // a report on one consent reads its violations and counts its checked shares (real MongoDB; the embedded
        // server ignores non-unique indexes and scans)
        checked.createIndex(Indexes.ascending("consentId"), new IndexOptions().name("consentId"));
        violations.createIndex(Indexes.ascending("consentId"), new IndexOptions().name("consentId"));
    }

    @EventHandler
    void on(ConsentRequested event, TrackingToken token) {
        Document consent = new Document("_id", event.consentId())
                .append("status", "AWAITING_AUTHORISATION")
                .append("sharesByDay", new Document());
        consent.putAll(ConsentTermsDocs.terms(event));
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
        check(new Share(message.getIdentifier(), sequence(message, event.consentId()),
                        event.shareId(), event.consentId(), event.linkId(), event.recipientId(), event.customerId(),
                        event.scope(), Scope.BALANCES, event.purpose(), event.sharedAt(), List.of(),
                        event.providerId(), ErasedValues.of(event)), token);
    }

    @EventHandler
    void on(TransactionsShared event, EventMessage<?> message, TrackingToken token) {
        check(new Share(message.getIdentifier(), sequence(message, event.consentId()),
                        event.shareId(), event.consentId(), event.linkId(), event.recipientId(), event.customerId(),
                        event.scope(), event.scope(), event.purpose(), event.sharedAt(), event.transactions(),
                        event.providerId(), ErasedValues.of(event)), token);
    }

    /**
     * The customer's personal data is erased: after this batch's writes, every finding on the customer's shares reads
     * as erased, and the detail of a window or channel finding, which names transactions and booking times, is
     * replaced. In global order, after every share of the customer; a replay gives the same (see {@link #reset}).
     */
    @EventHandler
    void on(CustomerDataErased event, TrackingToken token) {
        inBatch(batch -> {
            batch.erased(event);
            batch.advance(token);
        });
    }

    private void inBatch(Consumer<ComplianceBatch> work) {
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

    /** Checks the share against its consent's terms and link as the batch knows them, and counts it. */
    private void check(Share share, TrackingToken token) {
        inBatch(batch -> {
            Document consent = batch.consents.get(share.consentId());
            if (consent == null) {
                batch.checked(share, ShareChecks.check(share, null, null, null));
            } else {
                Document link = batch.links.get(share.linkId());
                batch.checked(share, ShareChecks.check(share, ConsentTerms.of(consent),
                                                       link == null ? null : Docs.instant(link, "unlinkedAt"),
                                                       batch.count(share, consent)));
            }
            batch.advance(token);
        });
    }

    static long position(TrackingToken token) {
        return token == null ? -1 : token.position().orElse(-1);
    }

    /**
     * Deletes the check's state, but for the window and channel findings on shares whose personal data is erased:
     * they rest on booking times and channels that no event holds readably any more, so a replay could not find them
     * again, and an auditor must still see that the share broke its consent (docs/erasure.md). Everything else is
     * found again by the replay, erased shares included.
     */
    @ResetHandler
    void reset() {
        for (MongoCollection<Document> collection : List.of(consents, links, checked, status)) {
            collection.deleteMany(new Document());
        }
        violations.deleteMany(Filters.nor(Filters.and(eq(ComplianceBatch.ERASED, true),
                                                      Filters.in("rule", ComplianceBatch.RESTING_ON_PERSONAL_DATA))));
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
                              d.getString("customerId"), Docs.instant(d, "sharedAt"),
                              d.getBoolean(ComplianceBatch.ERASED, false))));
        Document progress = status.find(eq("_id", "status")).first();
        long sharesChecked = checked.countDocuments(filter); // the consent's shares only, when one is asked about
        long through = progress == null || progress.get("checkedThrough") == null ? 0
                : progress.get("checkedThrough", Number.class).longValue();
        return new ComplianceReport(found.isEmpty(), sharesChecked, through, eventLog.head(), found);
    }
}
