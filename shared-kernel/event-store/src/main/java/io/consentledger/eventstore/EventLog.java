package io.consentledger.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static com.mongodb.client.model.Filters.in;

/**
 * Read-only access to the raw event log in global order, for auditors: positions, identities, payloads and metadata
 * exactly as stored.
 * <p>
 * Pages are stable while events arrive. A page never moves past a position that is allocated but still empty, so a
 * commit that lands late can never fall behind a cursor a client already holds. Reads use {@code $in} on the unique
 * {@code positions} and {@code seqKeys} indexes only.
 */
public final class EventLog {

    public record StoredEvent(long position, String eventId, String aggregateType, String aggregateId,
                              Long sequenceNumber, String payloadType, String payloadRevision, Instant timestamp,
                              Map<String, Object> payload, Map<String, Object> metaData) {
    }

    /**
     * @param events   the matching events of this page, in global order
     * @param cursor   the position to pass as {@code after} for the next page
     * @param complete true when the page reached the committed end of the log
     */
    public record Page(List<StoredEvent> events, long cursor, boolean complete) {
    }

    public record Filter(String aggregateId, Set<String> payloadTypes, Instant from, Instant to) {
        public static Filter none() {
            return new Filter(null, Set.of(), null, null);
        }

        boolean matches(StoredEvent event) {
            return (aggregateId == null || aggregateId.equals(event.aggregateId()))
                    && (payloadTypes == null || payloadTypes.isEmpty() || payloadTypes.contains(event.payloadType())
                    || payloadTypes.contains(simpleName(event.payloadType())))
                    && (from == null || !event.timestamp().isBefore(from))
                    && (to == null || event.timestamp().isBefore(to));
        }
    }

    /**
     * One global position as stored, for recomputing its Merkle leaf: a committed event (every value exactly as
     * stored, the timestamp as its stored string and the payload and metadata as the text the store hands to the
     * serializer), a sealed gap, or a position not yet known to be either (allocated and still in flight, or beyond
     * the head).
     */
    public sealed interface RawPosition permits RawEvent, SealedPosition, UnknownPosition {
        long position();
    }

    public record RawEvent(long position, String eventId, String aggregateType, String aggregateId,
                           Long sequenceNumber, String timestamp, String payloadType, String payloadRevision,
                           String payload, String metaData) implements RawPosition {
    }

    public record SealedPosition(long position) implements RawPosition {
    }

    public record UnknownPosition(long position) implements RawPosition {
    }

    /** The most positions {@link #readPositions} reads in one call. */
    public static final int MAX_POSITIONS_PER_READ = 10_000;

    private static final int WINDOW = 500;

    private final MongoCollection<Document> commits;
    private final MongoCollection<Document> counters;

    public EventLog(MongoDatabase database) {
        this(database, "events");
    }

    public EventLog(MongoDatabase database, String eventsCollection) {
        this.commits = database.getCollection(eventsCollection);
        this.counters = database.getCollection(CommitSchema.countersCollection(eventsCollection));
    }

    /**
     * Reads up to {@code limit} matching events after position {@code after}, looking at no more than
     * {@code maxPositions} positions (a filter that matches rarely returns a short page with a cursor to go on from).
     */
    public Page read(Filter filter, long after, int limit, int maxPositions) {
        if (filter.aggregateId() != null) {
            return readAggregate(filter, after, limit);
        }
        long head = head();
        List<StoredEvent> page = new ArrayList<>();
        long cursor = after;
        while (page.size() < limit && cursor < head && cursor - after < maxPositions) {
            long windowEnd = Math.min(head, cursor + WINDOW);
            TreeMap<Long, StoredEvent> found = new TreeMap<>();
            Set<Long> sealed = new HashSet<>();
            collect(LongStream.rangeClosed(cursor + 1, windowEnd).boxed().toList(), found, sealed);
            for (long position = cursor + 1; position <= windowEnd; position++) {
                StoredEvent event = found.get(position);
                if (event == null && !sealed.contains(position)) {
                    return new Page(page, cursor, false); // pending: stop here, so nothing is ever skipped
                }
                cursor = position;
                if (event != null && filter.matches(event)) {
                    page.add(event);
                    if (page.size() == limit) {
                        return new Page(page, cursor, cursor >= head);
                    }
                }
            }
        }
        return new Page(page, cursor, cursor >= head);
    }

    /** One aggregate's events in sequence order; {@code after} is a sequence number here (-1 for the start). */
    private Page readAggregate(Filter filter, long after, int limit) {
        List<StoredEvent> page = new ArrayList<>();
        long next = after + 1;
        while (page.size() < limit) {
            List<String> keys = LongStream.range(next, next + WINDOW)
                                          .mapToObj(seq -> CommitSchema.seqKey(filter.aggregateId(), seq))
                                          .toList();
            TreeMap<Long, StoredEvent> bySequence = new TreeMap<>();
            for (Document commit : CommitSchema.distinct(commits.find(in(CommitSchema.SEQ_KEYS, keys)))) {
                CommitSchema.forEachStoredEvent(commit, event -> {
                    if (filter.aggregateId().equals(event.aggregateId()) && event.sequenceNumber() != null
                            && event.sequenceNumber() >= after + 1) {
                        bySequence.put(event.sequenceNumber(), event);
                    }
                });
            }
            if (bySequence.isEmpty()) {
                break;
            }
            for (StoredEvent event : bySequence.values()) {
                next = event.sequenceNumber() + 1;
                if (filter.matches(event)) {
                    page.add(event);
                    if (page.size() == limit) {
                        return new Page(page, event.sequenceNumber(), false);
                    }
                }
            }
            if (bySequence.size() < WINDOW) {
                break;
            }
        }
        return new Page(page, next - 1, true);
    }

    /**
     * Positions {@code [from, to)} exactly as stored, in position order, one entry per position: one
     * {@code find({positions: {$in: [...]}})} on the unique positions index, whatever the store holds.
     */
    public List<RawPosition> readPositions(long from, long to) {
        if (from < 0 || to < from || to - from > MAX_POSITIONS_PER_READ) {
            throw new IllegalArgumentException("read positions [" + from + ", " + to + "): at most "
                                               + MAX_POSITIONS_PER_READ + " non-negative positions");
        }
        if (from == to) {
            return List.of();
        }
        Map<Long, RawPosition> found = new java.util.HashMap<>();
        List<Long> wanted = LongStream.range(from, to).boxed().toList();
        for (Document commit : CommitSchema.distinct(commits.find(in(CommitSchema.POSITIONS, wanted)))) {
            boolean tombstone = CommitSchema.isTombstone(commit);
            CommitSchema.forEachPosition(commit, (position, event) -> {
                if (position < from || position >= to) {
                    return;
                }
                if (tombstone) {
                    found.put(position, new SealedPosition(position));
                } else if (event != null) {
                    found.put(position, CommitSchema.toRawEvent(position, event));
                }
            });
        }
        List<RawPosition> result = new ArrayList<>(wanted.size());
        for (long position = from; position < to; position++) {
            RawPosition raw = found.get(position);
            result.add(raw != null ? raw : new UnknownPosition(position));
        }
        return result;
    }

    /**
     * Identifies one stored event for {@link #positionsOf}: by its aggregate and sequence number when it has them
     * (every commit has {@code seqKeys}), else by its identifier.
     */
    public record EventKey(String eventId, String aggregateId, Long sequenceNumber) {
    }

    /**
     * The global position of each of these events, by event id; events not found are absent. One {@code $in} on the
     * unique {@code seqKeys} index, and one on the unique {@code eventIds} index for events without an aggregate.
     * <p>
     * A tracking token does not name its event's position: an event that fills a gap is delivered with a token
     * whose index stays where the later events took it, so a projection that must know where an event stands in the
     * log asks here.
     */
    public Map<String, Long> positionsOf(java.util.Collection<EventKey> keys) {
        Map<String, Long> positions = new java.util.HashMap<>();
        Set<String> wanted = new HashSet<>();
        List<String> seqKeys = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (EventKey key : keys) {
            wanted.add(key.eventId());
            if (key.aggregateId() != null && key.sequenceNumber() != null) {
                seqKeys.add(CommitSchema.seqKey(key.aggregateId(), key.sequenceNumber()));
            } else {
                eventIds.add(key.eventId());
            }
        }
        if (!seqKeys.isEmpty()) {
            collectPositions(commits.find(in(CommitSchema.SEQ_KEYS, seqKeys)).projection(POSITIONS_AND_IDS), wanted,
                             positions);
        }
        if (!eventIds.isEmpty()) {
            collectPositions(commits.find(in(CommitSchema.EVENT_IDS, eventIds)).projection(POSITIONS_AND_IDS), wanted,
                             positions);
        }
        return positions;
    }

    /** All a position look-up needs of a commit: not its events (payloads, metadata), which it would copy for nothing. */
    private static final Bson POSITIONS_AND_IDS =
            Projections.include(CommitSchema.ID, CommitSchema.POSITIONS, CommitSchema.EVENT_IDS);

    private void collectPositions(Iterable<Document> found, Set<String> wanted, Map<String, Long> positions) {
        List<Object> legacy = new ArrayList<>();
        for (Document commit : CommitSchema.distinct(found)) {
            List<String> ids = commit.getList(CommitSchema.EVENT_IDS, String.class);
            if (ids == null) {
                legacy.add(commit.get(CommitSchema.ID)); // written before eventIds existed: its events name them
                continue;
            }
            List<Long> at = CommitSchema.positions(commit);
            for (int i = 0; i < ids.size() && i < at.size(); i++) {
                if (wanted.contains(ids.get(i))) {
                    positions.put(ids.get(i), at.get(i));
                }
            }
        }
        if (legacy.isEmpty()) {
            return;
        }
        // the older commits read whole, all in one $in on _id
        for (Document full : commits.find(in(CommitSchema.ID, legacy))) {
            CommitSchema.forEachPosition(full, (position, event) -> {
                if (event != null && wanted.contains(event.getString(CommitSchema.EVENT_ID))) {
                    positions.put(event.getString(CommitSchema.EVENT_ID), position);
                }
            });
        }
    }

    /** The head of the log: the highest position allocated so far, including commits still in flight. */
    public long head() {
        return PositionAllocator.head(counters);
    }

    private void collect(List<Long> positions, Map<Long, StoredEvent> found, Set<Long> sealed) {
        for (Document commit : CommitSchema.distinct(commits.find(in(CommitSchema.POSITIONS, positions)))) {
            if (CommitSchema.isTombstone(commit)) {
                sealed.addAll(CommitSchema.positions(commit));
                continue;
            }
            CommitSchema.forEachStoredEvent(commit, event -> found.put(event.position(), event));
        }
    }

    static String simpleName(String type) {
        int dot = type == null ? -1 : type.lastIndexOf('.');
        String simple = dot < 0 ? type : type.substring(dot + 1);
        return simple == null ? null : simple.substring(simple.lastIndexOf('$') + 1);
    }
}
