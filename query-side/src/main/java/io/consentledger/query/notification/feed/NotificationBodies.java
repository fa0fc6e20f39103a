package io.consentledger.query.notification.feed;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static com.mongodb.client.model.Filters.in;

/**
 * The notification bodies (p11), <b>each stored once</b>, however many feed entries and webhook deliveries carry it:
 * {@code notification_bodies}, one document per recorded batch, {@code _id} = a digest of the batch's event ids,
 * {@code e} = the event ids and {@code b} = their bodies (the exact JSON that is signed and sent), in the same order.
 * Written once, never updated, kept (the feed and the deliveries are kept). The recorder stores a batch's bodies
 * before the feed pages and delivery documents that leave them out and name this document instead ({@code src}),
 * so that each of those finds its body; readers fetch the bodies of what they read with one {@code $in} on
 * {@code _id}. One document per batch, not per event: the store keeps every document in memory, and a document's
 * own cost (its map, its {@code _id} and index entry) would cancel most of what storing a body once saves.
 * <p>
 * Idempotent: the id is derived from the event ids, so a batch handled again as it was finds its document stored
 * and writes nothing (the duplicate is ignored); one handled again with other events (other batch boundaries after
 * a restart) stores a document of its own, repeating the bodies of the events the two share (rare; harmless).
 */
public class NotificationBodies {

    private static final String EVENTS = "e";
    private static final String BODIES = "b";

    private final MongoCollection<Document> bodies;

    public NotificationBodies(MongoDatabase database) {
        this.bodies = database.getCollection("notification_bodies");
    }

    /**
     * Stores these bodies (by event id, in order) as one document, unless it is stored already.
     *
     * @return its id, for the feed pages and delivery documents that name it
     */
    public String store(Map<String, String> byEventId) {
        List<String> eventIds = List.copyOf(byEventId.keySet());
        String id = idOf(eventIds);
        try {
            bodies.insertOne(new Document("_id", id).append(EVENTS, eventIds)
                    .append(BODIES, eventIds.stream().map(byEventId::get).toList()));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        return id;
    }

    /** The bodies of these documents' events, by event id: one read ({@code $in} on {@code _id}), none if none. */
    public Map<String, String> find(Collection<String> ids) {
        Map<String, String> found = new HashMap<>();
        if (!ids.isEmpty()) {
            bodies.find(in("_id", List.copyOf(ids))).forEach(d -> {
                List<String> events = d.getList(EVENTS, String.class);
                List<String> texts = d.getList(BODIES, String.class);
                for (int i = 0; i < events.size(); i++) {
                    found.put(events.get(i), texts.get(i));
                }
            });
        }
        return found;
    }

    /** A digest of the event ids (SHA-256, the first 96 bits in hex): the same batch, the same document. */
    static String idOf(List<String> eventIds) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String id : eventIds) {
                digest.update(id.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
