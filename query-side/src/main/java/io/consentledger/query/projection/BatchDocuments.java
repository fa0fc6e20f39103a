package io.consentledger.query.projection;

import com.mongodb.client.MongoCollection;
import org.bson.Document;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import static com.mongodb.client.model.Filters.eq;

/**
 * One collection's documents by {@code _id}, as one batch of events sees them ({@link BatchedWrites}): each is read
 * at most once per batch, and the changed ones are written back together.
 */
public final class BatchDocuments {

    private final MongoCollection<Document> collection;
    private final UnaryOperator<Document> onLoad;
    private final Map<String, Optional<Document>> loaded = new HashMap<>();
    private final Map<String, Document> changed = new LinkedHashMap<>();

    public BatchDocuments(MongoCollection<Document> collection) {
        this(collection, UnaryOperator.identity());
    }

    /** @param onLoad the state a stored document stands for in this batch; null for none */
    public BatchDocuments(MongoCollection<Document> collection, UnaryOperator<Document> onLoad) {
        this.collection = collection;
        this.onLoad = onLoad;
    }

    /** The document, or null if there is none. */
    public Document get(String id) {
        return loaded.computeIfAbsent(id, key -> Optional.ofNullable(collection.find(eq("_id", key)).first())
                                                         .map(onLoad))
                     .orElse(null);
    }

    /** Marks {@code document} to be written back; it is what {@link #get} returns from now on. */
    public void put(String id, Document document) {
        get(id); // so that onLoad has seen what the store held
        loaded.put(id, Optional.of(document));
        changed.put(id, document);
    }

    /** Writes the changed documents in one round trip. */
    public void write() {
        write((id, document) -> document);
    }

    /** Writes the changed documents in one round trip, each as {@code asStored} makes it. */
    public void write(BiFunction<String, Document, Document> asStored) {
        Docs.replaceAll(collection, changed.entrySet().stream()
                                           .map(entry -> asStored.apply(entry.getKey(), entry.getValue())).toList());
    }
}
