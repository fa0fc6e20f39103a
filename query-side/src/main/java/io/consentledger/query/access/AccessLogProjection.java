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
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.query.projection.BatchedWrites;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.bson.Document;
import org.springframework.stereotype.Component;

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
 * delivered again leave gaps, which a cursor does not mind. The global position is kept for reference.
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

    private final BatchedWrites<Map<String, Document>> batches =
            new BatchedWrites<>(GROUP, fromProcessor -> new LinkedHashMap<>(), this::storeAll);

    public AccessLogProjection(MongoDatabase database) {
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
    void on(BalanceShared event, @MessageIdentifier String eventId, TrackingToken token, MetaData metaData) {
        store(record(eventId, "BALANCE", event.shareId(), event.sharedAt(), event.recipientId(), event.providerId(),
                     event.customerId(), event.linkId(), event.consentId(), event.scope(), event.purpose(),
                     List.of(), List.of(), event.window()), token, metaData);
    }

    @EventHandler
    void on(TransactionsShared event, @MessageIdentifier String eventId, TrackingToken token, MetaData metaData) {
        store(record(eventId, "TRANSACTIONS", event.shareId(), event.sharedAt(), event.recipientId(),
                     event.providerId(), event.customerId(), event.linkId(), event.consentId(), event.scope(),
                     event.purpose(), event.transactionIds(), event.newTransactionIds(), event.window()),
              token, metaData);
    }

    private static Document record(String eventId, String dataType, String shareId, java.time.Instant sharedAt,
                                   String recipientId, String providerId, String customerId, String linkId,
                                   String consentId, Scope scope, Purpose purpose, List<String> transactionIds,
                                   List<String> newTransactionIds, AppliedWindow window) {
        return new Document("_id", eventId)
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
                .append("transactionIds", transactionIds)
                .append("newTransactionIds", newTransactionIds)
                .append("windowFrom", Docs.date(window.from()))
                .append("windowTo", Docs.date(window.to()));
    }

    private void store(Document record, TrackingToken token, MetaData metaData) {
        record.append("globalPosition", token == null ? null : token.position().orElse(-1))
              .append(PRINCIPAL, text(metaData, PRINCIPAL))
              .append(PARTY, text(metaData, PARTY))
              .append(CORRELATION_ID, text(metaData, CORRELATION_ID));
        batches.apply(batch -> batch.putIfAbsent(record.getString("_id"), record));
    }

    /**
     * Stores a batch's records in three round trips: which are stored already (a batch delivered again), one
     * {@code $inc} for the numbers of the rest, in delivery order, and one insert.
     */
    private void storeAll(Map<String, Document> batch) {
        if (batch.isEmpty()) {
            return;
        }
        batch.keySet().removeAll(Docs.storedIds(records, batch.keySet()));
        if (batch.isEmpty()) {
            return; // delivered twice
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
    public BatchedWrites<Map<String, Document>> batchedWrites() {
        return batches;
    }
}
