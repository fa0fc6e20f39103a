package io.consentledger.query.access;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Sorts;
import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.AccessPage;
import io.consentledger.contracts.audit.AccessRecord;
import io.consentledger.contracts.audit.FindAccessRecords;
import io.consentledger.contracts.audit.FindRecipientsOfCustomer;
import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.contracts.audit.RecipientAccess;
import io.consentledger.query.projection.Docs;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static io.consentledger.contracts.metadata.Attribution.CORRELATION_ID;
import static io.consentledger.contracts.metadata.Attribution.PARTY;
import static io.consentledger.contracts.metadata.Attribution.PRINCIPAL;

/**
 * The one door to the access history ({@code access_records}): pages with stable cursors and the auditors' questions
 * through the query bus, and streams for exports. Nothing else reads the collection.
 */
@Component
public class AccessLogQueries {

    static final List<String> FILTER_FIELDS =
            List.of("customerId", "linkId", "recipientId", "providerId", "consentId", "purpose", "scope");
    public static final int MAX_PAGE_SIZE = 500;

    private final MongoCollection<Document> records;
    static final String ERASED = "erased";

    public AccessLogQueries(MongoDatabase database) {
        this.records = database.getCollection(AccessLogProjection.RECORDS);
    }

    @QueryHandler
    public AccessPage handle(FindAccessRecords query) {
        return page(query.filter(), query.cursor(), query.newestFirst(), query.limit(), query.asOf());
    }

    /** Which recipients saw data of customer X between t1 and t2, and for which purposes? */
    @QueryHandler
    public List<RecipientAccess> handle(FindRecipientsOfCustomer query) {
        AccessFilter filter = new AccessFilter(query.customerId(), null, null, null, null, null, null,
                                               query.from(), query.to());
        List<RecipientAccess> answer = new ArrayList<>();
        records.aggregate(List.of(
                Aggregates.match(toQuery(filter)),
                Aggregates.group("$recipientId",
                                 Accumulators.addToSet("purposes", "$purpose"),
                                 Accumulators.addToSet("scopes", "$scope"),
                                 Accumulators.addToSet("consentIds", "$consentId"),
                                 Accumulators.sum("shares", 1),
                                 Accumulators.min("first", "$sharedAt"),
                                 Accumulators.max("last", "$sharedAt")),
                Aggregates.sort(Sorts.ascending("_id"))
        )).forEach(d -> answer.add(new RecipientAccess(
                d.getString("_id"), sorted(Docs.strings(d, "purposes")), sorted(Docs.strings(d, "scopes")),
                sorted(Docs.strings(d, "consentIds")), d.get("shares", Number.class).longValue(),
                Docs.instant(d, "first"), Docs.instant(d, "last"))));
        return answer;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    AccessPage page(AccessFilter filter, String cursor, boolean newestFirst, int limit, LogCheckpoint asOf) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE_SIZE));
        Document query = toQuery(filter, asOf);
        Long after = decodeCursor(cursor, newestFirst);
        if (after != null) {
            query.append("seq", new Document(newestFirst ? "$lt" : "$gt", after));
        }
        List<Document> found = records.find(query)
                                      .sort(newestFirst ? Sorts.descending("seq") : Sorts.ascending("seq"))
                                      .limit(size + 1)
                                      .into(new ArrayList<>(size + 1));
        String next = null;
        if (found.size() > size) {
            found.remove(size);
            next = encodeCursor(found.get(size - 1).get("seq", Number.class).longValue(), newestFirst);
        }
        return new AccessPage(found.stream().map(AccessLogQueries::toRecord).toList(), next, asOf);
    }

    /** Streams every matching record, oldest first, in batches: constant memory at any size. */
    public void stream(AccessFilter filter, Consumer<AccessRecord> sink) {
        stream(filter, null, sink);
    }

    /**
     * The same, as the log stood at {@code asOf} (null: today): only the records whose leaf index is below its tree
     * size. A record stored before leaf indexes were recorded has none and is left out until a replay fills it.
     */
    public void stream(AccessFilter filter, LogCheckpoint asOf, Consumer<AccessRecord> sink) {
        FindIterable<Document> all = records.find(toQuery(filter, asOf)).sort(Sorts.ascending("seq")).batchSize(500);
        for (Document document : all) {
            sink.accept(toRecord(document));
        }
    }

    static Document toQuery(AccessFilter filter, LogCheckpoint asOf) {
        Document query = toQuery(filter);
        if (asOf != null) {
            query.append("leafIndex", new Document("$lt", asOf.treeSize()));
        }
        return query;
    }

    static Document toQuery(AccessFilter filter) {
        Document query = new Document();
        putIfPresent(query, "customerId", filter.customerId());
        putIfPresent(query, "linkId", filter.linkId());
        putIfPresent(query, "recipientId", filter.recipientId());
        putIfPresent(query, "providerId", filter.providerId());
        putIfPresent(query, "consentId", filter.consentId());
        putIfPresent(query, "purpose", filter.purpose() == null ? null : filter.purpose().name());
        putIfPresent(query, "scope", filter.scope() == null ? null : filter.scope().name());
        if (filter.from() != null || filter.to() != null) {
            Document range = new Document();
            if (filter.from() != null) {
                range.append("$gte", Docs.date(filter.from()));
            }
            if (filter.to() != null) {
                range.append("$lt", Docs.date(filter.to()));
            }
            query.append("sharedAt", range);
        }
        return query;
    }

    private static void putIfPresent(Document query, String field, String value) {
        if (value != null && !value.isBlank()) {
            query.append(field, value);
        }
    }

    private static AccessRecord toRecord(Document d) {
        Number position = d.get("globalPosition", Number.class);
        Number leafIndex = d.get("leafIndex", Number.class);
        boolean erased = d.getBoolean(ERASED, false);
        return new AccessRecord(d.getString("_id"), position == null ? -1 : position.longValue(),
                                Docs.instant(d, "sharedAt"), d.getString("dataType"), d.getString("shareId"),
                                d.getString("recipientId"), d.getString("providerId"), d.getString("customerId"),
                                d.getString("linkId"), d.getString("consentId"), d.getString("scope"),
                                d.getString("purpose"), erased ? null : Docs.strings(d, "transactionIds"),
                                erased ? null : Docs.strings(d, "newTransactionIds"), Docs.instant(d, "windowFrom"),
                                Docs.instant(d, "windowTo"), d.getString(PRINCIPAL), d.getString(PARTY),
                                d.getString(CORRELATION_ID), leafIndex == null ? null : leafIndex.longValue(),
                                erased);
    }

    static String encodeCursor(long seq, boolean newestFirst) {
        String raw = (newestFirst ? "d:" : "a:") + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException for a cursor that is malformed or belongs to the other order */
    public static Long decodeCursor(String cursor, boolean newestFirst) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String prefix = newestFirst ? "d:" : "a:";
            if (!raw.startsWith(prefix)) {
                throw new IllegalArgumentException("The cursor belongs to the other order");
            }
            return Long.parseLong(raw.substring(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Malformed cursor", e);
        }
    }
}
