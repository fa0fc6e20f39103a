package io.consentledger.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Indexes;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;

/**
 * Tracking reads in global order with {@link GapAwareTrackingToken}s, and the tokens processors start from (head,
 * tail, at an instant).
 * <p>
 * A batch asks for {@code positions $in [gaps ∪ index+1 .. index+batch]} on the unique {@code positions} index, and
 * reads the counter by {@code _id} only when the batch comes back incomplete. A position that is allocated but not
 * yet visible becomes a gap of the returned token and is looked up again on every batch; {@link GapSealer} seals it
 * once it has stayed empty for the gap timeout.
 */
final class TrackingReader {

    private static final int NO_GAP_TRUNCATION = Integer.MAX_VALUE;
    /** How many further windows a reader looks into past a run of pending positions, per batch. */
    private static final int MAX_WINDOW_EXTENSIONS = 100;
    /** How far apart, in positions, createTokenAt looks for events out of timestamp order. */
    static final int MAX_TOKEN_AT_SPAN = 10_000;
    private static final int TOKEN_AT_CHUNK = 1_000;

    private static final Logger logger = LoggerFactory.getLogger(TrackingReader.class);

    private final MongoCollection<Document> commits;
    private final PositionAllocator positions;
    private final GapSealer sealer;
    private final int headTokenLookBack;

    TrackingReader(MongoCollection<Document> commits, PositionAllocator positions, GapSealer sealer,
                   int headTokenLookBack) {
        this.commits = commits;
        this.positions = positions;
        this.sealer = sealer;
        this.headTokenLookBack = headTokenLookBack;
    }

    List<? extends TrackedEventData<?>> fetch(TrackingToken lastToken, int batchSize) {
        if (lastToken != null && !(lastToken instanceof GapAwareTrackingToken)) {
            throw new IllegalArgumentException("Token [" + lastToken + "] is of the wrong type. Expected "
                                                       + GapAwareTrackingToken.class.getSimpleName());
        }
        GapAwareTrackingToken token = lastToken == null
                ? GapAwareTrackingToken.newInstance(0, Collections.emptySet())
                : (GapAwareTrackingToken) lastToken;
        while (true) {
            Batch batch = readBatch(token, batchSize);
            if (!batch.events.isEmpty() || batch.token.equals(token)) {
                return batch.events;
            }
            // Only sealed positions were found: move past them and look further, so that a run of tombstones
            // longer than one batch can never stall a processor.
            token = batch.token;
        }
    }

    private record Batch(List<TrackedEventData<?>> events, GapAwareTrackingToken token) {
    }

    private Batch readBatch(GapAwareTrackingToken start, int batchSize) {
        long index = start.getIndex();
        Set<Long> wanted = new LinkedHashSet<>(start.getGaps());
        LongStream.rangeClosed(index + 1, index + batchSize).forEach(wanted::add);
        // position -> event document, or null for a sealed (tombstoned) position
        TreeMap<Long, Document> found = new TreeMap<>();
        collectPositions(wanted, found);

        long scannedTo = index + batchSize;
        Long allocated = null;
        if (found.isEmpty() || found.lastKey() <= index) {
            // Nothing new in this window. If positions beyond it were allocated, the window may be a run of pending
            // positions (writers in flight or dead): look past it, so that committed events behind such a run are
            // not held back until the run is sealed.
            allocated = positions.head();
            int extensions = 0;
            while (scannedTo < allocated && (found.isEmpty() || found.lastKey() <= index)
                    && extensions++ < MAX_WINDOW_EXTENSIONS) {
                List<Long> next = LongStream.rangeClosed(scannedTo + 1, Math.min(allocated, scannedTo + batchSize))
                                            .boxed().toList();
                wanted.addAll(next);
                collectPositions(next, found);
                scannedTo = next.get(next.size() - 1);
            }
        }

        List<TrackedEventData<?>> result = new ArrayList<>();
        GapAwareTrackingToken token = start;
        for (Map.Entry<Long, Document> entry : found.entrySet()) {
            long position = entry.getKey();
            if (position <= index && !start.getGaps().contains(position)) {
                continue; // already delivered
            }
            token = token.advanceTo(position, NO_GAP_TRUNCATION);
            if (entry.getValue() != null) {
                result.add(CommitSchema.toTrackedEntry(token, entry.getValue()));
            }
        }

        long knownHead = allocated == null ? -1 : allocated;
        sealer.sealAbandonedPositions(wanted, found, index, knownHead >= 0 ? () -> knownHead : positions::head);
        return new Batch(result, token);
    }

    private void collectPositions(Collection<Long> wanted, TreeMap<Long, Document> found) {
        for (Document commit : CommitSchema.distinct(commits.find(in(CommitSchema.POSITIONS, new ArrayList<>(wanted))))) {
            CommitSchema.forEachPosition(commit, found::put);
        }
    }

    /**
     * A token at the head of the stream. Positions near the head that are allocated but not yet committed become
     * gaps, so a processor that starts at the head still receives commits that land late.
     */
    TrackingToken headToken() {
        return tokenBefore(positions.head() + 1);
    }

    /**
     * A token from which exactly the events whose timestamp is at or after {@code instant} are read.
     * <ol>
     *     <li>F: the first position holding an event stamped at or after the instant (the first commit, in position
     *     order, whose {@code maxTimestamp} may reach it);</li>
     *     <li>L: the last position holding an event stamped before the instant (the last commit whose
     *     {@code minTimestamp} may be before it);</li>
     *     <li>the token's index is L, and its gaps are the positions up to L that must still be delivered: events
     *     stamped at or after the instant between F and L, and empty positions (commits in flight) from
     *     {@code headTokenLookBack} positions below F up to L.</li>
     * </ol>
     * Events out of timestamp order are thus delivered or not by their own timestamp. When F and L are more than
     * {@link #MAX_TOKEN_AT_SPAN} positions apart, the token is the one before F instead: nothing is skipped, but
     * events stamped before the instant that lie after F are delivered too (logged). An operator's tool, not a hot
     * path: finding F and L walks the commits in {@code _id} order from either end until the first match.
     */
    TrackingToken tokenAt(Instant instant) {
        Date floor = Date.from(CommitSchema.floorMillis(instant));
        Bson legacy = and(exists(CommitSchema.EVENTS), exists(CommitSchema.MAX_TIMESTAMP, false));
        Long first = findPosition(or(gte(CommitSchema.MAX_TIMESTAMP, floor), legacy), true,
                                  timestamp -> !timestamp.isBefore(instant));
        if (first == null) {
            return headToken();
        }
        Long last = findPosition(or(lte(CommitSchema.MIN_TIMESTAMP, floor), legacy), false,
                                 timestamp -> timestamp.isBefore(instant));
        if (last == null || last < first) {
            return tokenBefore(first);
        }
        if (last - first > MAX_TOKEN_AT_SPAN) {
            logger.warn("createTokenAt({}): events stamped before and after it are interleaved over {} positions "
                                + "({}..{}); starting before {}, so events stamped before the instant after it are "
                                + "delivered too", instant, last - first, first, last, first);
            return tokenBefore(first);
        }
        long from = Math.max(1, first - headTokenLookBack);
        TreeMap<Long, Document> found = new TreeMap<>();
        for (long chunk = from; chunk <= last; chunk += TOKEN_AT_CHUNK) {
            collectPositions(LongStream.rangeClosed(chunk, Math.min(last, chunk + TOKEN_AT_CHUNK - 1)).boxed().toList(),
                             found);
        }
        List<Long> gaps = new ArrayList<>();
        for (long position = from; position < last; position++) {
            boolean present = found.containsKey(position);
            Document event = found.get(position);
            if (!present || (position >= first && event != null && !CommitSchema.timestamp(event).isBefore(instant))) {
                gaps.add(position);
            }
        }
        return GapAwareTrackingToken.newInstance(last, gaps);
    }

    /**
     * The first (or last) position, in position order, holding an event whose timestamp passes {@code test}, among
     * the commits matching {@code candidates} (a superset: timestamps are rounded to the millisecond there).
     */
    private Long findPosition(Bson candidates, boolean ascending, java.util.function.Predicate<Instant> test) {
        Bson order = ascending ? Indexes.ascending(CommitSchema.ID) : Indexes.descending(CommitSchema.ID);
        for (Document commit : commits.find(candidates).sort(order)) {
            Long hit = null;
            List<Long> positions = CommitSchema.positions(commit);
            List<Document> events = CommitSchema.events(commit);
            for (int i = 0; i < events.size(); i++) {
                if (test.test(CommitSchema.timestamp(events.get(i)))) {
                    hit = positions.get(i);
                    if (ascending) {
                        break;
                    }
                }
            }
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    /** A token that has delivered nothing at or above {@code position}, with empty positions below it as gaps. */
    private GapAwareTrackingToken tokenBefore(long position) {
        long from = Math.max(1, position - headTokenLookBack);
        List<Long> window = LongStream.range(from, position).boxed().toList();
        Set<Long> present = new HashSet<>();
        if (!window.isEmpty()) {
            for (Document commit : CommitSchema.distinct(commits.find(in(CommitSchema.POSITIONS, window)))) {
                present.addAll(CommitSchema.positions(commit));
            }
        }
        long index = position - 1;
        while (index >= from && !present.contains(index)) {
            index--; // a gap cannot be the token's own index
        }
        long tokenIndex = Math.max(index, from - 1);
        List<Long> gaps = window.stream().filter(p -> p < tokenIndex && !present.contains(p)).toList();
        return GapAwareTrackingToken.newInstance(tokenIndex, gaps);
    }
}
