package io.consentledger.query.auditors;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.consentledger.query.projection.Docs;
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
    static final int MAX_VALUE_LENGTH = 200;

    public record Entry(String id, Instant at, String principal, String party, String method, String path,
                        Map<String, List<String>> parameters, int status, Long resultCount, String correlationId) {
    }

    public record Page(List<Entry> entries, String next) {
    }

    private final MongoCollection<Document> queries;
    private final Clock clock;

    public AuditorQueryLog(MongoDatabase database, Clock clock) {
        this.queries = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    public void record(String principal, String party, String method, String path, Map<String, String[]> parameters,
                       int status, Long resultCount, String correlationId) {
        Document params = new Document();
        parameters.forEach((name, values) -> {
            List<String> kept = new ArrayList<>();
            for (String value : values) {
                kept.add(value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) : value);
            }
            // names are client data: keep them as values of an array, never as keys
            params.put(Integer.toString(params.size()), new Document("name", truncate(name)).append("values", kept));
        });
        queries.insertOne(new Document("_id", UUID.randomUUID().toString())
                .append("at", Docs.date(clock.instant()))
                .append(PRINCIPAL, principal)
                .append(PARTY, party)
                .append("method", method)
                .append("path", truncate(path))
                .append("parameters", new ArrayList<>(params.values()))
                .append("status", status)
                .append("resultCount", resultCount)
                .append(CORRELATION_ID, correlationId));
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
                         d.getString("method"), d.getString("path"), parameters, d.getInteger("status", 0),
                         count == null ? null : count.longValue(), d.getString(CORRELATION_ID));
    }

    private static String truncate(String value) {
        return value == null || value.length() <= MAX_VALUE_LENGTH ? value : value.substring(0, MAX_VALUE_LENGTH);
    }
}
