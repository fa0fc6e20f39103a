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
import java.util.Set;
import java.util.TreeMap;

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
 *   <li>{@code notification_feed}: since p10 <b>pages</b>, written once and never updated: per append call and
 *       subscriber one document holding that subscriber's new entries n..m, {@code _id} = {@code <subscriber>/<n>},
 *       {@code ids} (their event ids) and {@code bodies}, at most {@value #PAGE} entries (more make more pages).
 *       Entries written before p10 are documents of one entry ({@code _id} = {@code <subscriber>/<n>}, the event id,
 *       the body and {@code marker} = {@code <subscriber>/<eventId>} under a unique sparse index), from p8 to p10 one
 *       document serving both parties of an event (the second one's entry id in {@code also}, its marker in
 *       {@code marker2}, each under a unique sparse index); such a document is read as a page of one;</li>
 *   <li>{@code notification_feed_heads}: {@code _id} = subscriber, {@code last} = the highest n readers may see,
 *       {@code from} = the first number of the entries written or found by the calls since the processor's token
 *       last moved (see {@link #appendAll}), and {@code orphans}: entries found written for events that a batch
 *       handled again no longer held (rare; at most {@value #ORPHANS});</li>
 *   <li>{@code notification_feed_events}: markers ({@code _id} = {@code <subscriber>/<eventId>}, {@code seq}) of
 *       entries appended outside the processor's batches (a dead letter handled on its own), and, from before p6,
 *       of all entries.</li>
 * </ul>
 * All reads and writes are by {@code _id} or a unique index, by equality or {@code $in}.
 */
public class NotificationFeed {

    public static final int MAX_LIMIT = 500;

    /** The most entries a page holds: a reader finds the page holding number c by {@code $in} on c-63..c. */
    static final int PAGE = 64;

    /** The most orphans a head remembers (oldest dropped first). */
    static final int ORPHANS = 64;

    private final MongoCollection<Document> feed;
    private final MongoCollection<Document> heads;
    private final MongoCollection<Document> events;
    private final NotificationBodies bodies;

    private final boolean legacyMarkers;

    public NotificationFeed(MongoDatabase database) {
        this.feed = database.getCollection("notification_feed");
        this.heads = database.getCollection("notification_feed_heads");
        this.events = database.getCollection("notification_feed_events");
        this.bodies = new NotificationBodies(database);
        // the entries written before p10 carry these; pages do not (sparse)
        feed.createIndex(Indexes.ascending(MARKER), new IndexOptions().unique(true).sparse(true).name("marker_unique"));
        feed.createIndex(Indexes.ascending(ALSO), new IndexOptions().unique(true).sparse(true).name("also_unique"));
        feed.createIndex(Indexes.ascending(MARKER2), new IndexOptions().unique(true).sparse(true).name("marker2_unique"));
        this.legacyMarkers = events.find().limit(1).first() != null;
    }

    private static final String MARKER = "marker";
    /** The second subscriber's entry id ({@code <subscriber>/<n>}) in a document that serves two (p8 to p10). */
    private static final String ALSO = "also";
    /** The second subscriber's marker ({@code <subscriber>/<eventId>}). */
    private static final String MARKER2 = "marker2";
    private static final String IDS = "ids";
    private static final String BODIES = "bodies";
    /** On a page written since p11: the {@link NotificationBodies} document holding the bodies it leaves out. */
    private static final String SOURCE = "src";
    private static final String FROM = "from";
    private static final String ORPHAN_LIST = "orphans";
    /** On a head: the calls since the token moved found entries by their markers (entries from before p10). */
    private static final String MARKERS = "markers";

    /**
     * One notification for one subscriber's feed: what {@link #appendAll} takes. {@code body} null: the body is stored
     * in {@link NotificationBodies} already, in the document {@code source} (the recorder's batches, since p11), and
     * the page names that document instead.
     */
    public record Append(Subscriber subscriber, String eventId, String body, String source) {

        public Append(Subscriber subscriber, String eventId, String body) {
            this(subscriber, eventId, body, null);
        }

        /** Its body stored in {@link NotificationBodies}, in the document {@code source}. */
        public static Append stored(Subscriber subscriber, String eventId, String source) {
            return new Append(subscriber, eventId, null, java.util.Objects.requireNonNull(source, "source"));
        }
    }

    /**
     * Appends a notification to a subscriber's feed, once per event, outside the processor's batches (see
     * {@link #appendAll(List, boolean)}). Only one thread may append (see above).
     *
     * @return its number in the feed (the existing one if the event was appended before)
     */
    public long append(Subscriber subscriber, String eventId, String body) {
        return appendAll(List.of(new Append(subscriber, eventId, body)), true).get(0);
    }

    /** A processor's batch: see {@link #appendAll(List, boolean)}. */
    public List<Long> appendAll(List<Append> appends) {
        return appendAll(appends, false);
    }

    /**
     * Appends notifications to their subscribers' feeds, each event once per subscriber, in the order given, in
     * four round trips in the usual case whatever their number: the heads ({@code $in}); the pages at each head's
     * {@code from} and right above it ({@code $in} on {@code _id}, the event ids only, and on the p8 {@code also});
     * one ordered insert of one page per subscriber; one bulk update of the heads, which move last, so a reader never
     * sees a number before its entry is stored.
     * <p>
     * Idempotent without a marker per entry. A batch handled again (a failure, a restart) starts from the same
     * processor token, so what it may find written already is (a) entries above the head, written before the heads
     * moved: the pages from {@code last+1} on, followed page to page, keep their numbers, and the head moves past
     * them; (b) entries at or below the head, written by the calls since the token last moved: the head's
     * {@code from} names the first of them, and they are read from there (a call that finds one of its events there
     * is such a batch, and keeps {@code from}; any other call moves it to its own first number). An entry found so
     * that its event is not in the call (the event was dead-lettered when the batch was handled again) is
     * remembered in the head's {@code orphans}, for when that dead letter is handled. Heads written before p10 have
     * no {@code from}: their subscribers' events are looked up by the p8 markers, and a batch handled again that found
     * entries so flags its heads ({@code markers}) to go on looking them up until a batch finds none. A call outside the processor's
     * batches ({@code onItsOwn}: a dead letter handled on its own, maybe much later) looks its events up in
     * {@code notification_feed_events} and the p8 markers, and writes a marker there for each entry it adds.
     * Only one thread may append (see above).
     *
     * @return each append's number in its feed, in the order given
     */
    public List<Long> appendAll(List<Append> appends, boolean onItsOwn) {
        if (appends.isEmpty()) {
            return List.of();
        }
        List<String> keys = appends.stream().map(a -> a.subscriber().key()).distinct().toList();
        Map<String, Head> headOf = new HashMap<>();
        heads.find(in("_id", keys)).forEach(d -> headOf.put(d.getString("_id"), Head.of(d)));
        keys.forEach(key -> headOf.putIfAbsent(key, new Head(0, null, List.of(), false)));

        // what is stored already: per subscriber, event id -> number
        Map<String, Map<String, Long>> known = new HashMap<>();
        keys.forEach(key -> known.put(key, new HashMap<>()));
        headOf.forEach((key, head) -> head.orphans().forEach(o -> known.get(key).put(o.eventId(), o.seq())));
        // the markers of entries written before p10 (heads without from) or by calls on their own
        List<String> markerIds = appends.stream()
                .filter(a -> onItsOwn || headOf.get(a.subscriber().key()).markers())
                .map(NotificationFeed::markerId).distinct().toList();
        if (!markerIds.isEmpty()) {
            Map<String, Long> markers = new HashMap<>();
            feed.find(in(MARKER, markerIds)).projection(Projections.include("_id", MARKER))
                    .forEach(d -> markers.put(d.getString(MARKER), seqOf(d.getString("_id"))));
            feed.find(in(MARKER2, markerIds)).projection(Projections.include(ALSO, MARKER2))
                    .forEach(d -> markers.put(d.getString(MARKER2), seqOf(d.getString(ALSO))));
            if (onItsOwn || legacyMarkers) {
                events.find(in("_id", markerIds))
                        .forEach(d -> markers.put(d.getString("_id"), d.get("seq", Number.class).longValue()));
            }
            for (Append a : appends) {
                Long seq = markers.get(markerId(a));
                if (seq != null) {
                    known.get(a.subscriber().key()).putIfAbsent(a.eventId(), seq);
                }
            }
        }
        // the entries from each head's from (b) and above its last (a), page after page
        Map<String, TreeMap<Long, String>> found = scan(headOf);
        Map<String, Long> top = new HashMap<>(); // the highest number stored per subscriber
        Set<String> own = new HashSet<>();
        appends.forEach(a -> own.add(markerId(a)));
        for (String key : keys) {
            long t = headOf.get(key).last();
            for (var e : found.get(key).entrySet()) {
                known.get(key).putIfAbsent(e.getValue(), e.getKey());
                t = Math.max(t, e.getKey());
            }
            top.put(key, t);
        }
        // a batch handled again: one of its events is stored at or below its subscriber's head already
        boolean again = appends.stream().anyMatch(a -> {
            Long seq = known.get(a.subscriber().key()).get(a.eventId());
            return seq != null && seq <= headOf.get(a.subscriber().key()).last();
        });

        List<Long> numbers = new ArrayList<>();
        Map<String, List<Append>> added = new LinkedHashMap<>();
        Map<String, Long> firstAdded = new HashMap<>();
        for (Append a : appends) {
            String key = a.subscriber().key();
            Long seq = known.get(key).get(a.eventId());
            if (seq == null) {
                seq = top.get(key) + 1;
                top.put(key, seq);
                known.get(key).put(a.eventId(), seq);
                added.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
                firstAdded.putIfAbsent(key, seq);
            }
            numbers.add(seq);
        }
        // one page per subscriber (more if it gets more than PAGE entries), in order: the store holds n before n+1
        List<Document> pages = new ArrayList<>();
        List<Document> markers = new ArrayList<>();
        added.forEach((key, list) -> {
            long first = firstAdded.get(key);
            for (int i = 0; i < list.size(); i += PAGE) {
                List<Append> slice = list.subList(i, Math.min(list.size(), i + PAGE));
                Document page = new Document("_id", key + "/" + (first + i))
                        .append(IDS, slice.stream().map(Append::eventId).toList());
                // since p11 a body stored in NotificationBodies is left out (null in the list; no list if all are), the
                // page naming the bodies' document (one per call)
                if (slice.stream().anyMatch(a -> a.body() != null)) {
                    page.append(BODIES, slice.stream().map(Append::body).toList());
                }
                List<String> sources = slice.stream().map(Append::source).filter(java.util.Objects::nonNull)
                        .distinct().toList();
                if (sources.size() > 1) {
                    throw new IllegalArgumentException("the appends of one call name one bodies' document");
                }
                sources.forEach(source -> page.append(SOURCE, source));
                pages.add(page);
            }
            if (onItsOwn) {
                for (int i = 0; i < list.size(); i++) {
                    markers.add(new Document("_id", markerId(list.get(i))).append("seq", first + i));
                }
            }
        });
        if (!pages.isEmpty()) {
            feed.insertMany(pages, new InsertManyOptions().ordered(true));
        }
        if (!markers.isEmpty()) {
            events.insertMany(markers, new InsertManyOptions().ordered(true));
        }
        Map<String, Bson> headWrites = new LinkedHashMap<>();
        for (String key : keys) {
            Head head = headOf.get(key);
            long newLast = top.get(key);
            List<Orphan> orphans = new ArrayList<>(head.orphans());
            for (var e : found.get(key).entrySet()) {
                boolean above = e.getKey() > head.last();
                if ((above || again) && !own.contains(key + "/" + e.getValue())
                    && orphans.stream().noneMatch(o -> o.eventId().equals(e.getValue()))) {
                    orphans.add(new Orphan(e.getValue(), e.getKey()));
                }
            }
            if (newLast == head.last() && orphans.size() == head.orphans().size()) {
                continue; // nothing new for this subscriber
            }
            List<Bson> update = new ArrayList<>();
            update.add(Updates.max("last", newLast));
            // a call on its own leaves from alone: the processor's batch may be handled again from there
            if (newLast > head.last() && !onItsOwn) {
                update.add(Updates.set(FROM, again && head.from() != null ? head.from() : head.last() + 1));
                // a batch handled again that found entries by the markers from before p10: so will its next turn
                if (again && head.markers()) {
                    update.add(Updates.set(MARKERS, true));
                } else if (head.from() != null && head.markers()) {
                    update.add(Updates.unset(MARKERS));
                }
            }
            if (orphans.size() != head.orphans().size()) {
                update.add(Updates.set(ORPHAN_LIST, orphans.subList(Math.max(0, orphans.size() - ORPHANS), orphans.size())
                        .stream().map(o -> new Document("e", o.eventId()).append("n", o.seq())).toList()));
            }
            headWrites.put(key, Updates.combine(update));
        }
        Docs.updateAll(heads, headWrites, true);
        return numbers;
    }

    /**
     * The entries stored from each head's {@code from} (or its {@code last+1}) on, following the pages: each round
     * one {@code $in} on {@code _id} (event ids only) and one on {@code also}; the usual case is one round.
     */
    private Map<String, TreeMap<Long, String>> scan(Map<String, Head> headOf) {
        Map<String, TreeMap<Long, String>> found = new HashMap<>();
        Set<String> asked = new HashSet<>();
        List<String> wanted = new ArrayList<>();
        headOf.forEach((key, head) -> {
            found.put(key, new TreeMap<>());
            if (head.from() != null && head.from() <= head.last()) {
                wanted.add(key + "/" + head.from());
            }
            wanted.add(key + "/" + (head.last() + 1));
        });
        while (!wanted.isEmpty()) {
            asked.addAll(wanted);
            List<String> ids = List.copyOf(wanted);
            wanted.clear();
            List<String> following = new ArrayList<>(); // the id right after each document found
            feed.find(in("_id", ids)).projection(Projections.include(IDS, "eventId")).forEach(d -> {
                String id = d.getString("_id");
                String key = id.substring(0, id.lastIndexOf('/'));
                long start = seqOf(id);
                List<String> eventIds = d.containsKey(IDS) ? d.getList(IDS, String.class) : List.of(d.getString("eventId"));
                for (int i = 0; i < eventIds.size(); i++) {
                    found.get(key).put(start + i, eventIds.get(i));
                }
                following.add(key + "/" + (start + eventIds.size()));
            });
            feed.find(in(ALSO, ids)).projection(Projections.include(ALSO, "eventId")).forEach(d -> {
                String id = d.getString(ALSO);
                String key = id.substring(0, id.lastIndexOf('/'));
                found.get(key).put(seqOf(id), d.getString("eventId"));
                following.add(key + "/" + (seqOf(id) + 1));
            });
            for (String next : following) {
                if (asked.add(next)) {
                    wanted.add(next);
                }
            }
        }
        return found;
    }

    private record Orphan(String eventId, long seq) {
    }

    private record Head(long last, Long from, List<Orphan> orphans, boolean flagged) {

        /** Whether its subscriber's events are looked up by their markers: a head written before p10, or flagged. */
        boolean markers() {
            return last > 0 && (from == null || flagged);
        }

        static Head of(Document d) {
            Number from = d.get(FROM, Number.class);
            List<Orphan> orphans = d.getList(ORPHAN_LIST, Document.class, List.of()).stream()
                    .map(o -> new Orphan(o.getString("e"), o.get("n", Number.class).longValue())).toList();
            return new Head(d.get("last", Number.class).longValue(), from == null ? null : from.longValue(), orphans,
                    Boolean.TRUE.equals(d.getBoolean(MARKERS)));
        }
    }

    private static long seqOf(String entryId) {
        return Long.parseLong(entryId.substring(entryId.lastIndexOf('/') + 1));
    }

    private static String markerId(Append append) {
        return append.subscriber().key() + "/" + append.eventId();
    }

    /**
     * The entries after {@code cursor} (null: from the start), at most {@code limit} (1 to {@value #MAX_LIMIT}),
     * oldest first: the documents whose {@code _id} is one of the numbers from {@code after+1-63} to the last asked
     * for (a page holding {@code after+1} starts at one of them) and, for the p8 shared documents, whose
     * {@code also} is one of those asked for.
     */
    public FeedPage page(Subscriber subscriber, String cursor, int limit) {
        long after = decode(cursor);
        int size = Math.max(1, Math.min(limit, MAX_LIMIT));
        String key = subscriber.key();
        long last = Math.min(head(key), after + size);
        List<FeedEntry> entries = new ArrayList<>();
        Set<String> sources = new HashSet<>();
        if (last > after) {
            List<String> ids = new ArrayList<>();
            for (long n = Math.max(1, after + 2 - PAGE); n <= last; n++) {
                ids.add(key + "/" + n);
            }
            feed.find(in("_id", ids)).forEach(d -> {
                long start = seqOf(d.getString("_id"));
                if (d.containsKey(IDS)) {
                    List<String> eventIds = d.getList(IDS, String.class);
                    List<String> inline = d.getList(BODIES, String.class);
                    for (int i = 0; i < eventIds.size(); i++) {
                        if (start + i > after && start + i <= last) {
                            String body = inline == null ? null : inline.get(i);
                            if (body == null && d.getString(SOURCE) != null) {
                                sources.add(d.getString(SOURCE));
                            }
                            entries.add(new FeedEntry(start + i, eventIds.get(i), body));
                        }
                    }
                } else if (start > after) {
                    entries.add(new FeedEntry(start, d.getString("eventId"), d.getString("body")));
                }
            });
            feed.find(in(ALSO, ids.subList((int) Math.max(0, ids.size() - (last - after)), ids.size())))
                    .forEach(d -> entries.add(new FeedEntry(seqOf(d.getString(ALSO)), d.getString("eventId"),
                            d.getString("body"))));
        }
        entries.sort(Comparator.comparingLong(FeedEntry::seq));
        // stop before a missing number, so the next page asks for it again rather than skipping it
        List<FeedEntry> contiguous = new ArrayList<>();
        long expected = after + 1;
        for (FeedEntry entry : withBodies(entries, sources)) {
            if (entry.seq() != expected) {
                break;
            }
            contiguous.add(entry);
            expected++;
        }
        long next = contiguous.isEmpty() ? after : contiguous.get(contiguous.size() - 1).seq();
        return new FeedPage(contiguous, encode(next));
    }

    /**
     * The entries, those whose page left the body out (written since p11) with their bodies from
     * {@link NotificationBodies} (the documents their pages name): one read for all of them.
     */
    private List<FeedEntry> withBodies(List<FeedEntry> entries, Set<String> sources) {
        if (sources.isEmpty()) {
            return entries;
        }
        Map<String, String> found = bodies.find(sources);
        return entries.stream().map(e -> e.body() != null ? e : new FeedEntry(e.seq(), e.eventId(),
                found.get(e.eventId()))).toList();
    }

    private long head(String key) {
        Document head = heads.find(eq("_id", key)).projection(Projections.include("last")).first();
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
