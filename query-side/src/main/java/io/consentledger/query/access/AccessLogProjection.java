package io.consentledger.query.access;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.audit.FindAccessRecords;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.query.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.List;

import static com.mongodb.client.model.Filters.eq;

/**
 * The access history: one record per share, {@code _id} = the share event's id, so a second delivery inserts
 * nothing.
 * <p>
 * Each record also gets {@code seq}, a number that only grows, in the order this projection stored the records. The
 * projection runs on one segment, so record <i>n</i> is stored before <i>n+1</i> is numbered, and a cursor over
 * {@code seq} stays stable while new events arrive, late commits included. The global position is kept for
 * reference.
 */
@Component
@ProcessingGroup(AccessLogProjection.GROUP)
public class AccessLogProjection {

    public static final String GROUP = "access-log";
    public static final String RECORDS = "access_records";
    static final String COUNTER = "access_records_sequence";

    private final MongoCollection<Document> records;
    private final MongoCollection<Document> counter;
    private final AccessLogQueries queries;

    public AccessLogProjection(MongoDatabase database, AccessLogQueries queries) {
        this.records = database.getCollection(RECORDS);
        this.counter = database.getCollection(COUNTER);
        this.queries = queries;
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
        if (records.find(eq("_id", record.getString("_id"))).first() != null) {
            return; // delivered twice
        }
        record.append("globalPosition", token == null ? null : token.position().orElse(-1))
              .append("principal", text(metaData, "principal"))
              .append("party", text(metaData, "party"))
              .append("correlationId", text(metaData, "correlationId"))
              .append("seq", nextSeq());
        try {
            records.insertOne(record);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }

    private long nextSeq() {
        Document value = counter.findOneAndUpdate(eq("_id", "seq"), Updates.inc("value", 1L),
                                                  new FindOneAndUpdateOptions().upsert(true)
                                                                               .returnDocument(ReturnDocument.AFTER));
        return value.get("value", Number.class).longValue();
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

    @QueryHandler
    public AccessPage handle(FindAccessRecords query) {
        return queries.page(query.filter(), query.cursor(), query.newestFirst(), query.limit());
    }
}
