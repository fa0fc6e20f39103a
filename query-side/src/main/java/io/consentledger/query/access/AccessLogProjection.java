package io.consentledger.query.access;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import com.mongodb.client.model.Filters;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.erasure.ErasedValues;
import io.consentledger.query.projection.BatchedWrites;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.mongodb.client.model.Filters.eq;
import static io.consentledger.contracts.metadata.Attribution.CORRELATION_ID;
import static io.consentledger.contracts.metadata.Attribution.PARTY;
import static io.consentledger.contracts.metadata.Attribution.PRINCIPAL;

/**
 * The access history: one record per share, {@code _id} = the share event's id, so a second delivery inserts
 * nothing. The records of one processor batch are stored together ({@link BatchedWrites}), before the token moves.
 * <p>
 * Each record also gets {@code seq}, a number that only grows, in the order this projection stored the records. The
 * projection runs on one segment, and a batch's records are numbered after the records of earlier batches were
 * stored and inserted in their order, so record <i>n</i> is readable before <i>n+1</i> and a cursor over {@code seq}
 * stays stable while new events arrive, late commits included. Numbers skipped by a batch that failed and was
 * delivered again leave gaps, which a cursor does not mind. The global position is kept for reference, and the
 * leaf index ({@code leafIndex}, equal to the position) says which leaf of the verifiable log's tree the share is, so a
 * point-in-time answer takes the records whose leaf index is below a checkpoint's tree size.
 * <p>
 * The records are read only through {@link AccessLogQueries}.
 */
@Component
@ProcessingGroup(AccessLogProjection.GROUP)
public class AccessLogProjection {

    public static final String GROUP = "access-log";
    public static final String RECORDS = "access_records";
    static final String COUNTER = "access_records_sequence";

    private final MongoCollection<Document> records;
    private final MongoCollection<Document> counter;
    private final EventLog eventLog;

    /**
     * A batch's records by event id, in delivery order, where to find each event in the log, and the erasures of the
     * batch, applied after its records are stored.
     */
    record Pending(Map<String, Document> records, Map<String, EventLog.EventKey> keys, List<CustomerDataErased> erasures) {
    }

    private final BatchedWrites<Pending> batches = new BatchedWrites<>(
            GROUP, fromProcessor -> new Pending(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>()),
            this::storeAll);

    public AccessLogProjection(MongoDatabase database, EventLog eventLog) {
        this.eventLog = eventLog;
        this.records = database.getCollection(RECORDS);
        this.counter = database.getCollection(COUNTER);
        ensureIndexes();
    }

    /**
     * The indexes each auditor query needs on real MongoDB. The embedded server ignores non-unique indexes and scans
     * (docs/query-side.md gives the sizes up to which that stays fast).
     */
    void ensureIndexes() {
        records.createIndex(Indexes.ascending("seq"), new IndexOptions().unique(true).name("seq_unique"));
        for (String field : AccessLogQueries.FILTER_FIELDS) {
            records.createIndex(Indexes.ascending(field, "seq"), new IndexOptions().name(field + "_seq"));
        }
        records.createIndex(Indexes.ascending("customerId", "sharedAt"), new IndexOptions().name("customerId_sharedAt"));
        records.createIndex(Indexes.ascending("sharedAt", "seq"), new IndexOptions().name("sharedAt_seq"));
    }

    @EventHandler
    void on(BalanceShared event, @MessageIdentifier String eventId, EventMessage<?> message, MetaData metaData) {
        store(record(eventId, "BALANCE", event.shareId(), event.sharedAt(), event.recipientId(), event.providerId(),
                     event.customerId(), event.linkId(), event.consentId(), event.scope(), event.purpose(),
                     List.of(), List.of(), event.window(), ErasedValues.of(event)), message, metaData);
    }

    @EventHandler
    void on(TransactionsShared event, @MessageIdentifier String eventId, EventMessage<?> message,
            MetaData metaData) {
        store(record(eventId, "TRANSACTIONS", event.shareId(), event.sharedAt(), event.recipientId(),
                     event.providerId(), event.customerId(), event.linkId(), event.consentId(), event.scope(),
                     event.purpose(), event.transactionIds(), event.newTransactionIds(), event.window(),
                     ErasedValues.of(event)), message, metaData);
    }

    /**
     * The customer's personal data is erased: the records stored so far, and this batch's, lose their transaction ids
     * and read as erased. In this processor's order, after every share of the customer: a share read before the key
     * was destroyed (in the clear) and one read after (null) end the same, and a replay builds the same.
     */
    @EventHandler
    void on(CustomerDataErased event) {
        batches.apply(batch -> batch.erasures().add(event));
    }

    /** A share of an erased customer: no transaction ids (null, not empty), {@code erased: true}. */
    private static Document record(String eventId, String dataType, String shareId, java.time.Instant sharedAt,
                                   String recipientId, String providerId, String customerId, String linkId,
                                   String consentId, Scope scope, Purpose purpose, List<String> transactionIds,
                                   List<String> newTransactionIds, AppliedWindow window, boolean erased) {
        Document record = new Document("_id", eventId)
                .append("dataType", dataType)
                .append("shareId", shareId)
                .append("sharedAt", Docs.date(sharedAt))
                .append("recipientId", recipientId)
                .append("providerId", providerId)
                .append("customerId", customerId)
                .append("linkId", linkId)
                .append("consentId", consentId)
                .append("scope", scope.name())
                .append("purpose", purpose.name())
                .append("transactionIds", erased ? null : transactionIds)
                .append("newTransactionIds", erased ? null : newTransactionIds)
                .append("windowFrom", Docs.date(window.from()))
                .append("windowTo", Docs.date(window.to()));
        if (erased) {
            record.append(AccessLogQueries.ERASED, true);
        }
        return record;
    }

    private void store(Document record, EventMessage<?> message, MetaData metaData) {
        EventLog.EventKey key = message instanceof DomainEventMessage<?> domain
                ? new EventLog.EventKey(domain.getIdentifier(), domain.getAggregateIdentifier(), domain.getSequenceNumber())
                : new EventLog.EventKey(message.getIdentifier(), null, null);
        record.append("globalPosition", null) // set when the batch is stored, from the log
              .append(PRINCIPAL, text(metaData, PRINCIPAL))
              .append(PARTY, text(metaData, PARTY))
              .append(CORRELATION_ID, text(metaData, CORRELATION_ID));
        batches.apply(batch -> {
            if (batch.records().putIfAbsent(record.getString("_id"), record) == null) {
                batch.keys().put(record.getString("_id"), key);
            }
        });
    }

    /**
     * Stores a batch's records in four round trips: which are stored already (a batch delivered again), where the
     * rest stand in the log, one {@code $inc} for their numbers, in delivery order, and one insert.
     * <p>
     * The global position comes from the log, not from the event's tracking token: an event that fills a gap (a
     * commit that landed late) is delivered with a token whose index stays where later events took it. The leaf
     * index is the position itself (the tree's leaf 0 is the never-allocated position 0, a sealed gap).
     */
    private void storeAll(Pending pending) {
        insertAll(pending);
        for (CustomerDataErased erased : pending.erasures()) {
            records.updateMany(Filters.and(eq("customerId", erased.customerId()), eq("providerId", erased.providerId())),
                               Updates.combine(Updates.set("transactionIds", null), Updates.set("newTransactionIds", null),
                                               Updates.set(AccessLogQueries.ERASED, true)));
        }
    }

    private void insertAll(Pending pending) {
        Map<String, Document> batch = pending.records();
        if (batch.isEmpty()) {
            return;
        }
        batch.keySet().removeAll(Docs.storedIds(records, batch.keySet()));
        if (batch.isEmpty()) {
            return; // delivered twice
        }
        Map<String, Long> positions = eventLog.positionsOf(
                batch.keySet().stream().map(pending.keys()::get).toList());
        for (Document record : batch.values()) {
            Long position = positions.get(record.getString("_id"));
            if (position == null) {
                throw new IllegalStateException("Share event " + record.getString("_id") + " is not in the event log");
            }
            record.put("globalPosition", position);
            record.put("leafIndex", position);
        }
        long seq = reserveSeqs(batch.size());
        for (Document record : batch.values()) {
            record.append("seq", seq++);
        }
        // In order, so that no reader sees n+1 before n. Any failure, a duplicate from an instance that held the
        // segment before this one included, fails the batch: it is delivered again and the look-up above sorts it.
        records.insertMany(List.copyOf(batch.values()), new InsertManyOptions().ordered(true));
    }

    /** The first of {@code count} new sequence numbers. */
    private long reserveSeqs(int count) {
        Document value = counter.findOneAndUpdate(eq("_id", "seq"), Updates.inc("value", (long) count),
                                                  new FindOneAndUpdateOptions().upsert(true)
                                                                               .returnDocument(ReturnDocument.AFTER));
        return value.get("value", Number.class).longValue() - count + 1;
    }

    private static String text(MetaData metaData, String key) {
        Object value = metaData.get(key);
        return value == null ? null : value.toString();
    }

    @ResetHandler
    void reset() {
        records.deleteMany(new Document());
        counter.deleteMany(new Document());
    }

    /** Registered on the {@value #GROUP} processor: the records of a batch are stored together. */
    public BatchedWrites<?> batchedWrites() {
        return batches;
    }
}
