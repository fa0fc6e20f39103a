package io.consentledger.query.compliance;

import com.mongodb.client.model.Filters;
import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.query.erasure.ErasureProjection;
import org.bson.conversions.Bson;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.projection.BatchDocuments;
import io.consentledger.query.projection.BatchedWrites;
import io.consentledger.query.projection.Docs;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.mongodb.client.model.Filters.eq;

/**
 * The state one batch of compliance events reads and changes ({@link BatchedWrites}), and what makes a batch
 * delivered again report exactly what one delivery reports. Consents and links are read from the store once per
 * batch, when first needed, and every change is written at the end of the batch, in this order: violations,
 * consents, links, the checked markers, the status. A failure anywhere fails the batch, which is then checked again
 * in full.
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
 *   <li>{@code compliance_checked} holds the ids of the share events checked, each with its consent id;
 *   {@code sharesChecked} is their number (of one consent's, for a report on one consent).
 *   The markers are written after the checks, so a failure can never leave a share marked but unchecked.</li>
 * </ul>
 */
final class ComplianceBatch {

    /** The compliance check's collections. */
    record Store(MongoCollection<Document> consents, MongoCollection<Document> links, MongoCollection<Document> checked,
                 MongoCollection<Document> violations, MongoCollection<Document> status, TokenStore tokenStore,
                 EventLog eventLog) {
    }

    /**
     * How many of a consent's latest counted shares it remembers, to recognise one delivered again on its own: a dead
     * letter whose retry failed after the counts were written, retried again before this many later shares of its
     * consent were counted. (A processor batch delivered again needs none of this: it starts from the state before
     * the batch.) Kept small, because the consent document is rewritten, with its state before the batch, after every
     * batch that shares under it.
     */
    static final int RECENT_SHARES = 20;
    static final String WRITTEN_AFTER = "writtenAfter";
    static final String ERASED = "erased";
    /** The rules whose findings name transactions or booking times, personal data of the customer. */
    static final List<String> RESTING_ON_PERSONAL_DATA =
            List.of(ComplianceRule.OUTSIDE_WINDOW.name(), ComplianceRule.CHANNEL_NOT_RECIPIENT.name());
    static final String BEFORE_BATCH = "beforeBatch";
    private static final JsonWriterSettings EXACT = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private final Store store;
    final BatchDocuments consents;
    final BatchDocuments links;
    /** The state of each loaded document before this batch, kept with it when it is written back. */
    private final Map<String, Document> beforeBatch = new HashMap<>();
    private final Map<String, Document> violations = new LinkedHashMap<>();
    /** The events of the batch's violations, whose positions are read from the log when the batch is written. */
    private final Map<String, EventLog.EventKey> violatingEvents = new LinkedHashMap<>();
    /** The shares checked in this batch: event id to consent id. */
    private final Map<String, String> checked = new LinkedHashMap<>();
    private final boolean fromProcessor;
    /**
     * A processor batch's origin: the token its processor had stored when the batch began, which the events of
     * the batch follow, and from which the same batch starts again if it fails. Null before the first event,
     * and outside a processor batch.
     */
    private String origin;
    private long checkedThrough = -1;
    /** The erasures of the batch, applied to the findings after they are written. */
    private final List<CustomerDataErased> erasures = new ArrayList<>();

    ComplianceBatch(Store store, boolean fromProcessor) {
        this.store = store;
        this.fromProcessor = fromProcessor;
        this.consents = new BatchDocuments(store.consents(), this::asOfOrigin);
        this.links = new BatchDocuments(store.links(), this::asOfOrigin);
    }

    /** Called for each event before it reads any state; the first event of a processor batch finds the origin. */
    ComplianceBatch withOrigin() {
        if (fromProcessor && origin == null) {
            origin = BatchedWrites.storedTokenOfCurrentBatch(store.tokenStore(), ComplianceMonitor.GROUP);
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

    void erased(CustomerDataErased event) {
        erasures.add(event);
    }

    void advance(TrackingToken token) {
        checkedThrough = Math.max(checkedThrough, ComplianceMonitor.position(token));
    }

    /**
     * Counts the share towards its consent's limits, once, and says how many of the consent's shares were counted
     * before it. A share found among the consent's {@code recentShares} was counted already (its batch failed after
     * the counts were written): the counts include it and those after it, and its limit applies to those before it.
     */
    ShareChecks.Counted count(Share share, Document consent) {
        String day = ShareChecks.day(share.sharedAt());
        Document byDay = consent.get("sharesByDay", Document.class);
        long total = byDay.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        long today = byDay.get(day, Number.class) == null ? 0 : byDay.get(day, Number.class).longValue();
        List<Document> recent = new ArrayList<>(consent.getList("recentShares", Document.class, List.of()));
        if (share.sequence() >= 0 && recent.stream().anyMatch(r -> r.getLong("seq") == share.sequence())) {
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
            consents.put(share.consentId(), consent);
        }
        return new ShareChecks.Counted(total, today);
    }

    /** Marks the share checked, once its findings are reported. */
    void checked(Share share, List<ShareChecks.Finding> findings) {
        findings.forEach(finding -> report(share, finding));
        checked.put(share.eventId(), share.consentId());
    }

    private void report(Share share, ShareChecks.Finding finding) {
        String id = share.eventId() + "/" + finding.rule().name();
        violatingEvents.putIfAbsent(share.eventId(), share.key());
        Document violation = new Document("_id", id)
                .append("eventId", share.eventId())
                .append("globalPosition", null) // from the log, when the batch is written
                .append("rule", finding.rule().name())
                .append("detail", finding.detail())
                .append("shareId", share.shareId())
                .append("consentId", share.consentId())
                .append("linkId", share.linkId())
                .append("recipientId", share.recipientId())
                .append("customerId", share.customerId())
                .append("providerId", share.providerId())
                .append("sharedAt", Docs.date(share.sharedAt()));
        if (share.erased()) {
            violation.append(ERASED, true);
        }
        violations.put(id, violation);
    }

    void write() {
        placeViolations();
        Docs.replaceAll(store.violations(), violations.values());
        consents.write(this::asStored);
        links.write(this::asStored);
        markChecked();
        for (CustomerDataErased erased : erasures) {
            Bson ofCustomer = Filters.and(eq("customerId", erased.customerId()), eq("providerId", erased.providerId()));
            store.violations().updateMany(ofCustomer, Updates.set(ERASED, true));
            store.violations().updateMany(Filters.and(ofCustomer, Filters.in("rule", RESTING_ON_PERSONAL_DATA)),
                                          Updates.set("detail", ErasureProjection.ERASED_DETAIL));
        }
        if (checkedThrough >= 0) {
            store.status().updateOne(eq("_id", "status"), Updates.max("checkedThrough", checkedThrough),
                                     new UpdateOptions().upsert(true));
        }
    }

    /**
     * Each violation's global position, from the log (one {@code $in} per batch with violations), not from its event's
     * tracking token: an event that fills a gap (a commit that landed late) is delivered with a token whose index
     * stays where later events took it. The position is the event's leaf index in the verifiable log too.
     */
    private void placeViolations() {
        if (violatingEvents.isEmpty()) {
            return;
        }
        Map<String, Long> positions = store.eventLog().positionsOf(violatingEvents.values());
        for (Document violation : violations.values()) {
            Long position = positions.get(violation.getString("eventId"));
            if (position == null) {
                throw new IllegalStateException("Share event " + violation.getString("eventId") + " is not in the event log");
            }
            violation.put("globalPosition", position);
        }
    }

    /** Marks the batch's shares checked, but for those marked already (a batch delivered again). */
    private void markChecked() {
        if (checked.isEmpty()) {
            return;
        }
        Set<String> unmarked = new LinkedHashSet<>(checked.keySet());
        unmarked.removeAll(Docs.storedIds(store.checked(), checked.keySet()));
        if (!unmarked.isEmpty()) {
            // the consent id, so a report on one consent counts that consent's shares
            store.checked().insertMany(unmarked.stream().map(id -> new Document("_id", id)
                    .append("consentId", checked.get(id))).toList());
        }
    }

    private static Document deepCopy(Document document) {
        return Document.parse(document.toJson(EXACT));
    }
}
