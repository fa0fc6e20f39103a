package io.consentledger.query.auditors;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.consentledger.query.projection.Docs;
import io.consentledger.query.web.Printable;
import org.bson.Document;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.consentledger.contracts.metadata.Attribution.CORRELATION_ID;
import static io.consentledger.contracts.metadata.Attribution.PARTY;
import static io.consentledger.contracts.metadata.Attribution.PRINCIPAL;

/**
 * Auditing the auditors: one document per query, insert-only ({@code _id} a fresh UUID, so a record is never
 * replaced), in {@code auditor_queries}. Holds who (principal, party), what (method, path, filter parameters), when,
 * the answer's status, the result count where it is cheap to know, and the correlation id.
 */
public class AuditorQueryLog {

    public static final String COLLECTION = "auditor_queries";
    public static final int MAX_PAGE_SIZE = 200;

    /**
     * @param route  the path's template ({@code /api/v1/consents/{consentId}}), null for a path no endpoint matched
     *               or for records made before routes were recorded
     * @param status null while the query is being answered, or when its answer could not be recorded
     */
    public record Entry(String id, Instant at, String principal, String party, String method, String path,
                        String route, Map<String, List<String>> parameters, Integer status, Long resultCount,
                        String correlationId) {

        /**
         * What an operator may see of it: who, when, which endpoint, which parameter names, the outcome; no path
         * (it holds ids), no parameter values (they hold ids and filters), no correlation id (it leads to the data).
         */
        public Entry forOperator() {
            Map<String, List<String>> names = new LinkedHashMap<>();
            parameters.keySet().forEach(name -> names.put(name, List.of()));
            return new Entry(id, at, principal, party, method, route, route, names, status, resultCount, null);
        }
    }

    public record Page(List<Entry> entries, String next) {
    }

    private final MongoCollection<Document> queries;
    private final Clock clock;

    public AuditorQueryLog(MongoDatabase database, Clock clock) {
        this.queries = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    /**
     * Records a query before it is answered ({@code status} null until {@link #complete}) and returns the record's
     * id. Names and values are kept printable ({@link Printable}), so any parameter can be recorded.
     */
    public String record(String principal, String party, String method, String path, Map<String, String[]> parameters,
                         Integer status, Long resultCount, String correlationId) {
        Document params = new Document();
        parameters.forEach((name, values) -> {
            List<String> kept = new ArrayList<>();
            for (String value : values) {
                kept.add(Printable.of(value));
            }
            // names are client data: keep them as values of an array, never as keys
            params.put(Integer.toString(params.size()), new Document("name", Printable.of(name)).append("values", kept));
        });
        String id = UUID.randomUUID().toString();
        queries.insertOne(new Document("_id", id)
                .append("at", Docs.date(clock.instant()))
                .append(PRINCIPAL, principal)
                .append(PARTY, party)
                .append("method", method)
                .append("path", Printable.of(path))
                .append("parameters", new ArrayList<>(params.values()))
                .append("status", status)
                .append("resultCount", resultCount)
                .append(CORRELATION_ID, correlationId));
        return id;
    }

    /**
     * Completes a record with the answer's status, the result count and the route the request matched (the path's
     * template, with no ids in it). By {@code _id} alone: one record, found through its index.
     */
    public void complete(String id, int status, Long resultCount, String route) {
        queries.updateOne(Filters.eq("_id", id),
                          Updates.combine(Updates.set("status", status), Updates.set("resultCount", resultCount),
                                          Updates.set("route", route)));
    }

    /** Newest first; {@code offset} pages on. Optionally one principal's queries only. */
    public Page page(String principal, int offset, int limit) {
        Document query = principal == null ? new Document() : new Document(PRINCIPAL, principal);
        List<Entry> entries = new ArrayList<>();
        for (Document d : queries.find(query).sort(Sorts.orderBy(Sorts.descending("at"), Sorts.descending("_id")))
                                 .skip(offset).limit(limit + 1)) {
            entries.add(toEntry(d));
        }
        String next = null;
        if (entries.size() > limit) {
            entries.remove(limit);
            next = Integer.toString(offset + limit);
        }
        return new Page(entries, next);
    }

    public long count() {
        return queries.countDocuments(Filters.empty());
    }

    private static Entry toEntry(Document d) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Document p : d.getList("parameters", Document.class, List.of())) {
            parameters.put(p.getString("name"), p.getList("values", String.class, List.of()));
        }
        Number count = d.get("resultCount", Number.class);
        return new Entry(d.getString("_id"), Docs.instant(d, "at"), d.getString(PRINCIPAL), d.getString(PARTY),
                         d.getString("method"), d.getString("path"), d.getString("route"), parameters,
                         d.getInteger("status"),
                         count == null ? null : count.longValue(), d.getString(CORRELATION_ID));
    }
}
