package io.consentledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import org.bson.conversions.Bson;
import org.bson.Document;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small conversions between read-model documents and Java values. Instants are stored as BSON dates (ms). */
public final class Docs {

    private Docs() {
    }

    public static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    public static Instant instant(Document document, String field) {
        Date date = document.getDate(field);
        return date == null ? null : date.toInstant();
    }

    /** Exact decimals are kept as strings: a BSON double would lose exactness. */
    public static String decimal(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    public static BigDecimal decimal(Document document, String field) {
        String value = document.getString(field);
        return value == null ? null : new BigDecimal(value);
    }

    public static List<String> strings(Document document, String field) {
        return document.getList(field, String.class, List.of());
    }

    /** Which of {@code ids} are stored already, in one round trip that reads ids only. */
    public static Set<String> storedIds(MongoCollection<Document> collection, Collection<String> ids) {
        Set<String> stored = new HashSet<>();
        collection.find(Filters.in("_id", ids)).projection(Projections.include("_id"))
                  .forEach(document -> stored.add(document.getString("_id")));
        return stored;
    }

    /** Replaces (or inserts) each document by its {@code _id}, in one round trip. */
    public static void replaceAll(MongoCollection<Document> collection, Collection<Document> documents) {
        if (!documents.isEmpty()) {
            collection.bulkWrite(documents.stream().map(document -> new ReplaceOneModel<>(
                    Filters.eq("_id", document.get("_id")), document, new ReplaceOptions().upsert(true))).toList());
        }
    }

    /**
     * Deletes the document each filter matches (at most one each; a filter should name an {@code _id}), in one round
     * trip.
     */
    public static void deleteEach(MongoCollection<Document> collection, Collection<? extends Bson> filters) {
        if (!filters.isEmpty()) {
            collection.bulkWrite(filters.stream().map(filter -> new DeleteOneModel<Document>(filter)).toList());
        }
    }

    /**
     * Applies an update to each document by its {@code _id}, in one round trip; with {@code upsert}, a missing
     * document is inserted.
     */
    public static void updateAll(MongoCollection<Document> collection, Map<String, Bson> updatesById, boolean upsert) {
        if (!updatesById.isEmpty()) {
            collection.bulkWrite(updatesById.entrySet().stream().map(entry -> new UpdateOneModel<Document>(
                    Filters.eq("_id", entry.getKey()), entry.getValue(), new UpdateOptions().upsert(upsert))).toList());
        }
    }
}
