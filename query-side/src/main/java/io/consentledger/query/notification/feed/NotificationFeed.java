package io.consentledger.query.notification.feed;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.query.notification.Subscriber;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Each subscriber's notifications, numbered 1, 2, 3, … in the order they are appended; the pull feed
 * ({@code GET /api/v1/notifications?after=&limit=}) pages through them.
 * <p>
 * The cursor is that number, not the global position: positions become visible out of order (a commit can land late
 * at a lower position), and a cursor over positions would skip such a commit for good. Numbers are given by the one
 * writer, a processor on <b>one segment</b>, which stores entry n before it numbers n+1; so a reader never sees n+1
 * without n, and a page never misses or repeats an entry while new ones arrive.
 * <ul>
 *   <li>{@code notification_feed}: {@code _id} = {@code <subscriber>/<n>}, the event id and the body;</li>
 *   <li>{@code notification_feed_heads}: {@code _id} = subscriber, {@code last} = the highest n readers may see;</li>
 *   <li>{@code notification_feed_events}: {@code _id} = {@code <subscriber>/<eventId>}, so an event appended again
 *       (a restart, a replay) is not numbered twice.</li>
 * </ul>
 * All reads and writes are by {@code _id}, by equality or {@code $in}.
 */
public class NotificationFeed {

    public static final int MAX_LIMIT = 500;

    private final MongoCollection<Document> feed;
    private final MongoCollection<Document> heads;
    private final MongoCollection<Document> events;

    public NotificationFeed(MongoDatabase database) {
        this.feed = database.getCollection("notification_feed");
        this.heads = database.getCollection("notification_feed_heads");
        this.events = database.getCollection("notification_feed_events");
    }

    /**
     * Appends a notification to a subscriber's feed, once per event. Only one thread may append (see above).
     *
     * @return its number in the feed (the existing one if the event was appended before)
     */
    public long append(Subscriber subscriber, String eventId, String body) {
        String key = subscriber.key();
        Document marker = events.find(eq("_id", key + "/" + eventId)).first();
        if (marker != null) {
            return marker.getLong("seq");
        }
        long n = head(key) + 1;
        while (true) {
            try {
                feed.insertOne(new Document("_id", key + "/" + n).append("eventId", eventId).append("body", body));
                break;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                // a crash after an insert left the head behind: that entry stays where it is
                Document existing = feed.find(eq("_id", key + "/" + n)).first();
                if (existing != null && eventId.equals(existing.getString("eventId"))) {
                    break;
                }
                n++;
            }
        }
        events.updateOne(eq("_id", key + "/" + eventId), Updates.setOnInsert("seq", n),
                new UpdateOptions().upsert(true));
        heads.updateOne(eq("_id", key), Updates.max("last", n), new UpdateOptions().upsert(true));
        return n;
    }

    /**
     * The entries after {@code cursor} (null: from the start), at most {@code limit} (1 to {@value #MAX_LIMIT}),
     * oldest first.
     */
    public FeedPage page(Subscriber subscriber, String cursor, int limit) {
        long after = decode(cursor);
        int size = Math.max(1, Math.min(limit, MAX_LIMIT));
        String key = subscriber.key();
        long last = Math.min(head(key), after + size);
        List<String> ids = new ArrayList<>();
        for (long n = after + 1; n <= last; n++) {
            ids.add(key + "/" + n);
        }
        List<FeedEntry> entries = new ArrayList<>();
        if (!ids.isEmpty()) {
            feed.find(in("_id", ids)).forEach(d -> {
                String id = d.getString("_id");
                entries.add(new FeedEntry(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)),
                        d.getString("eventId"), d.getString("body")));
            });
        }
        entries.sort(Comparator.comparingLong(FeedEntry::seq));
        // stop before a missing number, so the next page asks for it again rather than skipping it
        List<FeedEntry> contiguous = new ArrayList<>();
        long expected = after + 1;
        for (FeedEntry entry : entries) {
            if (entry.seq() != expected) {
                break;
            }
            contiguous.add(entry);
            expected++;
        }
        long next = contiguous.isEmpty() ? after : contiguous.get(contiguous.size() - 1).seq();
        return new FeedPage(contiguous, encode(next));
    }

    private long head(String key) {
        Document head = heads.find(eq("_id", key)).first();
        return head == null ? 0 : head.getLong("last");
    }

    static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("n:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith("n:")) {
                throw new InvalidFeedCursor();
            }
            long seq = Long.parseLong(text.substring(2));
            if (seq < 0) {
                throw new InvalidFeedCursor();
            }
            return seq;
        } catch (IllegalArgumentException e) {
            throw new InvalidFeedCursor();
        }
    }
}
