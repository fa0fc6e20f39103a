package io.consentledger.query.notification.feed;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.projection.Docs;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 *   <li>{@code notification_feed}: {@code _id} = {@code <subscriber>/<n>}, the event id, the body, and
 *       {@code marker} = {@code <subscriber>/<eventId>} under a unique (sparse) index, so an event appended again
 *       (a restart, a replay, a dead letter handled again) is found by it and not numbered twice. Since p8 <b>one
 *       document serves both parties</b> of an event appended for two subscribers one after the other (the
 *       recorder's order): the second one's entry id in {@code also} and its marker in {@code marker2}, each under
 *       a unique (sparse) index too; entries written before have one document per subscriber and are read as they
 *       are;</li>
 *   <li>{@code notification_feed_heads}: {@code _id} = subscriber, {@code last} = the highest n readers may see;</li>
 *   <li>{@code notification_feed_events}: the markers of entries written before the marker moved into the entry
 *       ({@code _id} = {@code <subscriber>/<eventId>}); read, never written, and only if it holds any.</li>
 * </ul>
 * All reads and writes are by {@code _id} or the unique {@code marker}, by equality or {@code $in}.
 */
public class NotificationFeed {

    public static final int MAX_LIMIT = 500;

    private final MongoCollection<Document> feed;
    private final MongoCollection<Document> heads;
    private final MongoCollection<Document> events;

    private final boolean legacyMarkers;

    public NotificationFeed(MongoDatabase database) {
        this.feed = database.getCollection("notification_feed");
        this.heads = database.getCollection("notification_feed_heads");
        this.events = database.getCollection("notification_feed_events");
        // sparse: entries written before the marker moved into them have none
        feed.createIndex(Indexes.ascending(MARKER), new IndexOptions().unique(true).sparse(true).name("marker_unique"));
        // an entry shared by a second subscriber: its number there and its marker (entries since p8)
        feed.createIndex(Indexes.ascending(ALSO), new IndexOptions().unique(true).sparse(true).name("also_unique"));
        feed.createIndex(Indexes.ascending(MARKER2), new IndexOptions().unique(true).sparse(true).name("marker2_unique"));
        this.legacyMarkers = events.find().limit(1).first() != null;
    }

    private static final String MARKER = "marker";
    /** The second subscriber's entry id ({@code <subscriber>/<n>}) in a document that serves two. */
    private static final String ALSO = "also";
    /** The second subscriber's marker ({@code <subscriber>/<eventId>}). */
    private static final String MARKER2 = "marker2";

    /** One notification for one subscriber's feed: what {@link #appendAll} takes. */
    public record Append(Subscriber subscriber, String eventId, String body) {
    }

    /**
     * Appends a notification to a subscriber's feed, once per event. Only one thread may append (see above).
     *
     * @return its number in the feed (the existing one if the event was appended before)
     */
    public long append(Subscriber subscriber, String eventId, String body) {
        return appendAll(List.of(new Append(subscriber, eventId, body))).get(0);
    }

    /**
     * Appends notifications to their subscribers' feeds, each event once per subscriber, in the order given, in seven
     * round trips whatever their number: the entries already written for these events ({@code $in} on the unique
     * {@code marker} and {@code marker2}: a batch that failed after its insert and is handled again finds its own
     * entries and keeps their numbers), the heads ({@code $in}), the entries already at the numbers about to be
     * given ({@code $in} on {@code _id} and {@code also}: another event's, written by a failed batch that is not
     * handled again in the same shape, is stepped over), one ordered insert of the new entries, each carrying its
     * marker (an event's two subscribers one after the other: one document), and one bulk {@code $max} of the
     * heads. The heads
     * move last, so a reader never sees a number before its entry is stored. Only one thread may append (see
     * above).
     *
     * @return each append's number in its feed, in the order given
     */
    public List<Long> appendAll(List<Append> appends) {
        if (appends.isEmpty()) {
            return List.of();
        }
        Map<String, Long> markers = new HashMap<>();
        List<String> markerIds = appends.stream().map(NotificationFeed::markerId).distinct().toList();
        feed.find(in(MARKER, markerIds)).projection(Projections.include("_id", MARKER))
                .forEach(d -> markers.put(d.getString(MARKER), seqOf(d.getString("_id"))));
        feed.find(in(MARKER2, markerIds)).projection(Projections.include(ALSO, MARKER2))
                .forEach(d -> markers.put(d.getString(MARKER2), seqOf(d.getString(ALSO))));
        if (legacyMarkers) {
            List<String> unfound = markerIds.stream().filter(id -> !markers.containsKey(id)).toList();
            if (!unfound.isEmpty()) {
                events.find(in("_id", unfound))
                        .forEach(d -> markers.put(d.getString("_id"), d.get("seq", Number.class).longValue()));
            }
        }
        Map<String, Long> lastOf = new HashMap<>();
        heads.find(in("_id", appends.stream().map(a -> a.subscriber().key()).distinct().toList()))
                .forEach(d -> lastOf.put(d.getString("_id"), d.get("last", Number.class).longValue()));
        // the numbers each subscriber's new entries would take, and what is stored there already
        Map<String, Long> next = new HashMap<>();
        Map<String, Integer> unmarked = new HashMap<>();
        for (Append a : appends) {
            String key = a.subscriber().key();
            Long seq = markers.get(markerId(a));
            next.merge(key, Math.max(lastOf.getOrDefault(key, 0L), seq == null ? 0 : seq) + 1, Math::max);
            if (seq == null) {
                unmarked.merge(key, 1, Integer::sum);
            }
        }
        Set<String> candidates = new HashSet<>();
        unmarked.forEach((key, count) -> {
            for (long n = next.get(key); n < next.get(key) + count; n++) {
                candidates.add(key + "/" + n);
            }
        });
        Map<String, String> occupied = new HashMap<>();
        if (!candidates.isEmpty()) {
            feed.find(in("_id", List.copyOf(candidates))).projection(Projections.include("_id", "eventId"))
                    .forEach(d -> occupied.put(d.getString("_id"), d.getString("eventId")));
            feed.find(in(ALSO, List.copyOf(candidates))).projection(Projections.include(ALSO, "eventId"))
                    .forEach(d -> occupied.put(d.getString(ALSO), d.getString("eventId")));
        }
        List<Long> numbers = new ArrayList<>();
        List<Document> inserts = new ArrayList<>();
        Append lastInserted = null; // the append whose document was added last, while it serves one subscriber
        Map<String, Long> newMarkers = new LinkedHashMap<>();
        Map<String, Long> newHeads = new LinkedHashMap<>();
        for (Append a : appends) {
            String key = a.subscriber().key();
            String marker = markerId(a);
            Long seq = markers.containsKey(marker) ? markers.get(marker) : newMarkers.get(marker);
            if (seq == null) {
                long n = next.get(key);
                while (true) {
                    String id = key + "/" + n;
                    String holder = candidates.contains(id) ? occupied.get(id) : holderOf(id);
                    if (holder == null) {
                        if (lastInserted != null && lastInserted.eventId().equals(a.eventId())
                            && lastInserted.body().equals(a.body())) {
                            // the same event for a second subscriber, right after the first: one document for both
                            inserts.get(inserts.size() - 1).append(ALSO, id).append(MARKER2, marker);
                            lastInserted = null;
                        } else {
                            inserts.add(new Document("_id", id).append("eventId", a.eventId()).append("body", a.body())
                                    .append(MARKER, marker));
                            lastInserted = a;
                        }
                        break;
                    }
                    if (holder.equals(a.eventId())) {
                        break; // a crash after an insert left the head behind: that entry stays where it is
                    }
                    n++;
                }
                seq = n;
                next.put(key, n + 1);
                newMarkers.put(marker, n);
            }
            numbers.add(seq);
            newHeads.merge(key, seq, Math::max);
        }
        // in order, so that the store holds n before n+1; readers see neither before the head moves
        if (!inserts.isEmpty()) {
            feed.insertMany(inserts, new InsertManyOptions().ordered(true));
        }
        Map<String, Bson> headWrites = new LinkedHashMap<>();
        newHeads.forEach((key, n) -> headWrites.put(key, Updates.max("last", n)));
        Docs.updateAll(heads, headWrites, true);
        return numbers;
    }

    /** The event of the entry stored as {@code id} (a document's own or its second subscriber's), or null. */
    private String holderOf(String id) {
        return Optional.ofNullable(feed.find(eq("_id", id)).first())
                .or(() -> Optional.ofNullable(feed.find(eq(ALSO, id)).first()))
                .map(d -> d.getString("eventId")).orElse(null);
    }

    private static long seqOf(String entryId) {
        return Long.parseLong(entryId.substring(entryId.lastIndexOf('/') + 1));
    }

    private static String markerId(Append append) {
        return append.subscriber().key() + "/" + append.eventId();
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
            feed.find(in("_id", ids)).forEach(d -> entries.add(new FeedEntry(seqOf(d.getString("_id")),
                    d.getString("eventId"), d.getString("body"))));
            feed.find(in(ALSO, ids)).forEach(d -> entries.add(new FeedEntry(seqOf(d.getString(ALSO)),
                    d.getString("eventId"), d.getString("body"))));
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
        return head == null ? 0 : head.get("last", Number.class).longValue();
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
