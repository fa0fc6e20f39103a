package io.consentledger.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.axonframework.common.AxonConfigurationException;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;

/**
 * An Axon {@link org.axonframework.eventsourcing.eventstore.EventStorageEngine} on the plain MongoDB sync driver that
 * never skips an event.
 *
 * <h2>Storage model</h2>
 * <ul>
 *     <li><b>One document per commit.</b> All events of one unit of work are inserted as a single document, so a commit
 *     is stored whole or not at all, with no transaction.</li>
 *     <li><b>Global positions.</b> A commit of {@code n} events first allocates {@code n} consecutive positions with an
 *     atomic {@code $inc} on a counter document. The commit's {@code _id} is its first position, and its
 *     {@code positions} array, under a unique multikey index, holds every position it occupies.</li>
 *     <li><b>Optimistic concurrency.</b> The commit's {@code seqKeys} array ({@code aggregateId/sequenceNumber}),
 *     under a unique sparse multikey index, makes a second writer of the same aggregate sequence fail with a
 *     duplicate key, which becomes Axon's {@code ConcurrencyException}.</li>
 *     <li><b>Gap awareness.</b> Tracking readers use Axon's {@link GapAwareTrackingToken}. A position that is allocated
 *     but not yet visible is a gap: later events are delivered without waiting, and the gap is looked up again on
 *     every batch until it is filled.</li>
 *     <li><b>Sealing dead gaps.</b> A gap still empty after {@code gapTimeout} is sealed by inserting a tombstone at
 *     that position. The unique {@code positions} index makes the tombstone and a late commit exclusive: whichever
 *     is inserted first owns the position. A writer that finds its position sealed allocates new positions and
 *     inserts again, so a slow writer is never skipped: its commit becomes visible at a later position.</li>
 * </ul>
 *
 * <h2>Hot paths, all served by {@code _id} or a unique index, by equality or {@code $in}</h2>
 * <ul>
 *     <li>append: {@code findOneAndUpdate} of the counter by {@code _id}, then {@code insertOne};</li>
 *     <li>aggregate load: {@code seqKeys $in [id/s .. id/s+batch-1]};</li>
 *     <li>tracking batch: {@code positions $in [gaps ∪ index+1 .. index+batch]}, plus the counter by {@code _id}
 *     when the batch comes back incomplete;</li>
 *     <li>snapshot read: {@code _id} equality.</li>
 * </ul>
 */
public class GapAwareMongoEventStorageEngine extends BatchingEventStorageEngine {

    private static final Logger logger = LoggerFactory.getLogger(GapAwareMongoEventStorageEngine.class);

    static final String COUNTER_ID = PositionAllocator.COUNTER_ID;
    static final String POSITIONS = "positions";
    static final String SEQ_KEYS = "seqKeys";
    static final String EVENTS = "events";
    static final String TOMBSTONE = "tombstone";
    static final String COMMITTED_AT = "committedAt";

    private static final int NO_GAP_TRUNCATION = Integer.MAX_VALUE;
    /** How many further windows a reader looks into past a run of pending positions, per batch. */
    private static final int MAX_WINDOW_EXTENSIONS = 100;

    private final MongoCollection<Document> commits;
    private final MongoCollection<Document> counters;
    private final MongoCollection<Document> snapshots;
    private final PositionAllocator positions;
    private final PendingPositions pendingPositions;
    private final Clock clock;
    private final int maxCommitAttempts;
    private final int headTokenLookBack;
    private final Duration gapTimeout;
    private final AppendListener appendListener;
    private final CommitHook commitHook;

    protected GapAwareMongoEventStorageEngine(Builder builder) {
        super(builder);
        WriteConcern writeConcern = builder.writeConcern;
        MongoDatabase database = builder.database.withWriteConcern(writeConcern)
                                                 .withReadPreference(ReadPreference.primary());
        this.commits = database.getCollection(builder.eventsCollection);
        this.counters = database.getCollection(builder.eventsCollection + "_positions");
        this.snapshots = database.getCollection(builder.snapshotsCollection);
        this.positions = new PositionAllocator(counters);
        this.pendingPositions = new PendingPositions(builder.gapTimeout, builder.nanoClock);
        this.gapTimeout = builder.gapTimeout;
        this.clock = builder.clock;
        this.maxCommitAttempts = builder.maxCommitAttempts;
        this.headTokenLookBack = Math.max(builder.headTokenLookBack, batchSize());
        this.appendListener = builder.appendListener;
        this.commitHook = builder.commitHook;
        if (builder.ensureIndexes) {
            ensureIndexes();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Creates the unique indexes every hot path relies on, and the position counter. Safe to call repeatedly. */
    public void ensureIndexes() {
        commits.createIndex(Indexes.ascending(POSITIONS), new IndexOptions().unique(true).name("positions_unique"));
        commits.createIndex(Indexes.ascending(SEQ_KEYS),
                            new IndexOptions().unique(true).sparse(true).name("aggregate_sequence_unique"));
        try {
            counters.updateOne(eq("_id", COUNTER_ID), Updates.setOnInsert("value", 0L),
                               new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ append

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Document> eventDocuments = new ArrayList<>(events.size());
        List<String> seqKeys = new ArrayList<>();
        for (EventMessage<?> event : events) {
            eventDocuments.add(toDocument(event, serializer));
            if (event instanceof DomainEventMessage<?> domainEvent && domainEvent.getType() != null) {
                seqKeys.add(seqKey(domainEvent.getAggregateIdentifier(), domainEvent.getSequenceNumber()));
            }
        }
        for (int attempt = 1; ; attempt++) {
            long last = allocate(events.size());
            long first = last - events.size() + 1;
            Document commit = new Document("_id", first)
                    .append(POSITIONS, LongStream.rangeClosed(first, last).boxed().toList());
            if (!seqKeys.isEmpty()) {
                commit.append(SEQ_KEYS, seqKeys);
            }
            commit.append(COMMITTED_AT, Date.from(clock.instant())).append(EVENTS, eventDocuments);
            commitHook.positionsAllocated(first, last);
            try {
                commits.insertOne(commit);
                appendListener.appended(events.size(), attempt, System.nanoTime() - started);
                return;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    handlePersistenceException(e, events.get(0));
                }
                Optional<EventMessage<?>> conflicting = firstConflictingEvent(events, seqKeys);
                if (conflicting.isPresent()) {
                    // Another writer owns one of our (aggregate, sequence) pairs: optimistic concurrency says no.
                    handlePersistenceException(e, conflicting.get());
                }
                if (attempt >= maxCommitAttempts) {
                    throw new EventStoreException(
                            "Could not find a free global position after " + attempt + " attempts", e);
                }
                // Someone owns one of our positions. Nothing of this commit is stored: take new positions, so that
                // no reader can miss it.
                if (isSealed(first, last)) {
                    logger.warn("Global positions {}..{} were sealed before this commit landed (slower than the gap "
                                        + "timeout of {}); committing again at new positions", first, last, gapTimeout);
                } else {
                    logger.info("Global positions {}..{} were taken by another writer (the store handed them out "
                                        + "twice); committing again at new positions", first, last);
                }
            }
        }
    }

    private boolean isSealed(long first, long last) {
        List<Long> ours = LongStream.rangeClosed(first, last).boxed().toList();
        return findDistinct(in(POSITIONS, ours)).stream()
                                               .anyMatch(d -> Boolean.TRUE.equals(d.getBoolean(TOMBSTONE)));
    }

    private Optional<EventMessage<?>> firstConflictingEvent(List<? extends EventMessage<?>> events,
                                                            List<String> seqKeys) {
        if (seqKeys.isEmpty()) {
            return Optional.empty();
        }
        Set<String> taken = new HashSet<>();
        for (Document existing : findDistinct(in(SEQ_KEYS, seqKeys))) {
            taken.addAll(existing.getList(SEQ_KEYS, String.class, List.of()));
        }
        return events.stream()
                     .filter(e -> e instanceof DomainEventMessage<?> d && d.getType() != null
                             && taken.contains(seqKey(d.getAggregateIdentifier(), d.getSequenceNumber())))
                     .<EventMessage<?>>map(e -> e)
                     .findFirst();
    }

    private long allocate(int count) {
        return positions.allocate(count);
    }

    /** The highest global position allocated so far: the head of the log, including commits still in flight. */
    public long headPosition() {
        return allocatedHead();
    }

    private long allocatedHead() {
        return positions.head();
    }

    private Document toDocument(EventMessage<?> event, Serializer serializer) {
        SerializedObject<String> payload = event.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = event.serializeMetaData(serializer, String.class);
        Document document = new Document("eventId", event.getIdentifier());
        if (event instanceof DomainEventMessage<?> domainEvent) {
            document.append("aggregateType", domainEvent.getType())
                    .append("aggregateId", domainEvent.getAggregateIdentifier())
                    .append("sequenceNumber", domainEvent.getSequenceNumber());
        }
        document.append("timestamp", event.getTimestamp().toString())
                .append("payloadType", payload.getType().getName())
                .append("payloadRevision", payload.getType().getRevision());
        BsonEventPayloads.put(document, "payload", payload.getData());
        BsonEventPayloads.put(document, "metaData", metaData.getData());
        return document;
    }

    static String seqKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + "/" + sequenceNumber;
    }

    // ------------------------------------------------------------------------------------------------ aggregate load

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber, int batchSize) {
        List<String> keys = LongStream.range(firstSequenceNumber, firstSequenceNumber + batchSize)
                                      .mapToObj(seq -> seqKey(aggregateIdentifier, seq))
                                      .toList();
        List<GenericDomainEventEntry<String>> found = new ArrayList<>();
        for (Document commit : findDistinct(in(SEQ_KEYS, keys))) {
            for (Document event : commit.getList(EVENTS, Document.class)) {
                if (aggregateIdentifier.equals(event.getString("aggregateId"))) {
                    long seq = event.get("sequenceNumber", Number.class).longValue();
                    if (seq >= firstSequenceNumber && seq < firstSequenceNumber + batchSize) {
                        found.add(toDomainEntry(event));
                    }
                }
            }
        }
        found.sort(Comparator.comparingLong(GenericDomainEventEntry::getSequenceNumber));
        return found;
    }

    /**
     * Whether an event of the aggregate is stored at this sequence number: one equality probe on the unique
     * {@code seqKeys} index, which reads no payload. A cached aggregate at version {@code v} is current exactly when
     * there is no event at {@code v + 1} (an aggregate's sequence numbers have no holes).
     */
    public boolean hasEventAt(String aggregateIdentifier, long sequenceNumber) {
        return commits.find(eq(SEQ_KEYS, seqKey(aggregateIdentifier, sequenceNumber)))
                      .projection(new Document("_id", 1)).first() != null;
    }

    /**
     * The type of the aggregate stored under this id (of its first event), or empty when there is none: one equality
     * probe on the unique {@code seqKeys} index. Lets a repository tell an unknown id, or an id of another type,
     * before loading, so that such a refusal costs what a known id costs and throws nothing deep in the load.
     */
    public Optional<String> aggregateTypeOf(String aggregateIdentifier) {
        Document commit = commits.find(eq(SEQ_KEYS, seqKey(aggregateIdentifier, 0)))
                                 .projection(new Document("events.aggregateId", 1).append("events.aggregateType", 1))
                                 .first();
        if (commit == null) {
            return Optional.empty();
        }
        for (Object event : commit.getList("events", Object.class, List.of())) {
            if (event instanceof Document document && aggregateIdentifier.equals(document.getString("aggregateId"))) {
                return Optional.ofNullable(document.getString("aggregateType"));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        Long last = readSnapshotData(aggregateIdentifier).findFirst()
                                                         .map(DomainEventData::getSequenceNumber)
                                                         .orElse(null);
        long next = last == null ? 0 : last + 1;
        while (true) {
            List<? extends DomainEventData<?>> batch = fetchDomainEvents(aggregateIdentifier, next, batchSize());
            if (batch.isEmpty()) {
                return Optional.ofNullable(last);
            }
            last = batch.get(batch.size() - 1).getSequenceNumber();
            next = last + 1;
            if (batch.size() < batchSize()) {
                return Optional.of(last);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ tracking

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
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
            allocated = allocatedHead();
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
                result.add(toTrackedEntry(token, entry.getValue()));
            }
        }

        sealAbandonedPositions(wanted, found, index, allocated);
        return new Batch(result, token);
    }

    private void collectPositions(Collection<Long> positions, TreeMap<Long, Document> found) {
        for (Document commit : findDistinct(in(POSITIONS, new ArrayList<>(positions)))) {
            List<Long> committed = commit.getList(POSITIONS, Long.class);
            List<Document> events = commit.getList(EVENTS, Document.class, List.of());
            for (int i = 0; i < committed.size(); i++) {
                found.put(committed.get(i), i < events.size() ? events.get(i) : null);
            }
        }
    }

    /**
     * Runs a query on a multikey index and returns each matching commit once. Real MongoDB already does so; the
     * embedded server returns a document once per matching array element.
     */
    private List<Document> findDistinct(Bson filter) {
        Set<Object> seen = new HashSet<>();
        List<Document> distinct = new ArrayList<>();
        for (Document document : commits.find(filter)) {
            if (seen.add(document.get("_id"))) {
                distinct.add(document);
            }
        }
        return distinct;
    }

    /**
     * Positions that were allocated but are still empty are pending. Every position up to the highest one found is
     * allocated (positions come from a monotonic counter); above it, the counter says how far allocation went.
     */
    private void sealAbandonedPositions(Collection<Long> wanted, TreeMap<Long, Document> found, long index,
                                        Long allocatedHead) {
        pendingPositions.resolved(found.keySet());
        List<Long> missing = wanted.stream().filter(p -> !found.containsKey(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        long highestFound = found.isEmpty() ? index : Math.max(index, found.lastKey());
        boolean beyondFound = missing.stream().anyMatch(p -> p > highestFound);
        long allocated = !beyondFound ? highestFound
                : Math.max(highestFound, allocatedHead != null ? allocatedHead : allocatedHead());
        List<Long> pending = missing.stream().filter(p -> p <= allocated).toList();
        for (Long position : pendingPositions.observe(pending)) {
            seal(position);
        }
    }

    private void seal(long position) {
        Document tombstone = new Document("_id", position)
                .append(POSITIONS, List.of(position))
                .append(TOMBSTONE, true)
                .append("sealedAt", Date.from(clock.instant()));
        try {
            commits.insertOne(tombstone);
            logger.warn("Sealed global position {}: it stayed empty for longer than the gap timeout of {}. "
                                + "If its writer is still alive it will commit again at a new position.",
                        position, gapTimeout);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw new EventStoreException("Could not seal global position " + position, e);
            }
            // the commit (or another reader's tombstone) landed first: nothing to seal
        }
        pendingPositions.resolved(List.of(position));
    }

    @Override
    public TrackingToken createTailToken() {
        return null;
    }

    /**
     * A token at the head of the stream. Positions near the head that are allocated but not yet committed become
     * gaps, so a processor that starts at the head still receives commits that land late.
     */
    @Override
    public TrackingToken createHeadToken() {
        long head = allocatedHead();
        return tokenBefore(head + 1);
    }

    /**
     * A token before the first commit whose writer's clock read {@code dateTime} or later. This is an operator's
     * tool (processor resets), not a hot path: it scans the commit timestamps.
     */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        Document first = commits.find(and(gte(COMMITTED_AT, Date.from(dateTime)), exists(EVENTS)))
                                .sort(Indexes.ascending("_id"))
                                .limit(1)
                                .first();
        if (first == null) {
            return createHeadToken();
        }
        return tokenBefore(first.get("_id", Number.class).longValue());
    }

    /** A token that has delivered nothing at or above {@code position}, with empty positions below it as gaps. */
    private GapAwareTrackingToken tokenBefore(long position) {
        long from = Math.max(1, position - headTokenLookBack);
        List<Long> window = LongStream.range(from, position).boxed().toList();
        Set<Long> present = new HashSet<>();
        if (!window.isEmpty()) {
            for (Document commit : findDistinct(in(POSITIONS, window))) {
                present.addAll(commit.getList(POSITIONS, Long.class));
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

    // ------------------------------------------------------------------------------------------------ snapshots

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        Document current = snapshots.find(eq("_id", snapshot.getAggregateIdentifier())).first();
        if (current != null && current.get("sequenceNumber", Number.class).longValue() >= snapshot.getSequenceNumber()) {
            return;
        }
        Document document = toDocument(snapshot, serializer).append("_id", snapshot.getAggregateIdentifier());
        try {
            snapshots.replaceOne(eq("_id", snapshot.getAggregateIdentifier()), document,
                                 new ReplaceOptions().upsert(true));
        } catch (MongoWriteException e) {
            handlePersistenceException(e, snapshot);
        }
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        Document snapshot = snapshots.find(eq("_id", aggregateIdentifier)).first();
        return snapshot == null ? Stream.empty() : Stream.of(toDomainEntry(snapshot));
    }

    // ------------------------------------------------------------------------------------------------ mapping

    private static GenericDomainEventEntry<String> toDomainEntry(Document event) {
        Number seq = event.get("sequenceNumber", Number.class);
        String eventId = event.getString("eventId");
        String aggregateId = event.getString("aggregateId");
        return new GenericDomainEventEntry<>(event.getString("aggregateType"),
                                             aggregateId != null ? aggregateId : eventId,
                                             seq != null ? seq.longValue() : 0L,
                                             eventId,
                                             event.getString("timestamp"),
                                             event.getString("payloadType"),
                                             event.getString("payloadRevision"),
                                             BsonEventPayloads.get(event, "payload"),
                                             BsonEventPayloads.get(event, "metaData"));
    }

    private static TrackedEventData<?> toTrackedEntry(TrackingToken token, Document event) {
        GenericDomainEventEntry<String> entry = toDomainEntry(event);
        if (event.getString("aggregateType") == null && event.getString("aggregateId") == null) {
            return new TrackedPlainEventData(token, entry);
        }
        return new TrackedDomainEventData<>(token, entry);
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Observes appends, for metrics. */
    @FunctionalInterface
    public interface AppendListener {
        AppendListener NONE = (events, attempts, nanos) -> {
        };

        void appended(int events, int attempts, long nanos);
    }

    /**
     * Called after a commit's positions are allocated and before it is inserted: the window in which a writer can
     * pause, crash or lose a race. For fault injection in tests and benchmarks; production leaves it empty.
     */
    @FunctionalInterface
    public interface CommitHook {
        CommitHook NONE = (first, last) -> {
        };

        void positionsAllocated(long firstPosition, long lastPosition);
    }

    public static class Builder extends BatchingEventStorageEngine.Builder {

        private MongoDatabase database;
        private String eventsCollection = "events";
        private String snapshotsCollection = "snapshots";
        private WriteConcern writeConcern = WriteConcern.MAJORITY.withJournal(true);
        private Duration gapTimeout = Duration.ofSeconds(10);
        private LongSupplier nanoClock = System::nanoTime;
        private Clock clock = Clock.systemUTC();
        private int maxCommitAttempts = 10;
        private int headTokenLookBack = 1000;
        private boolean ensureIndexes = true;
        private AppendListener appendListener = AppendListener.NONE;
        private CommitHook commitHook = CommitHook.NONE;

        protected Builder() {
            persistenceExceptionResolver(Builder::isDuplicateKey);
        }

        static boolean isDuplicateKey(Exception e) {
            return e instanceof MongoWriteException mwe && mwe.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }

        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        public Builder eventsCollection(String name) {
            this.eventsCollection = name;
            return this;
        }

        public Builder snapshotsCollection(String name) {
            this.snapshotsCollection = name;
            return this;
        }

        /** Write concern of appends, snapshots and tombstones. Production default: majority, journaled. */
        public Builder writeConcern(WriteConcern writeConcern) {
            this.writeConcern = writeConcern;
            return this;
        }

        /** How long an allocated position may stay empty before a reader seals it. */
        public Builder gapTimeout(Duration gapTimeout) {
            this.gapTimeout = gapTimeout;
            return this;
        }

        /** The monotonic clock that ages pending positions (tests only). */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            return this;
        }

        /** The wall clock recorded as commit and seal time (informational; never used for ordering). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder maxCommitAttempts(int attempts) {
            this.maxCommitAttempts = attempts;
            return this;
        }

        public Builder headTokenLookBack(int positions) {
            this.headTokenLookBack = positions;
            return this;
        }

        public Builder ensureIndexes(boolean ensureIndexes) {
            this.ensureIndexes = ensureIndexes;
            return this;
        }

        public Builder appendListener(AppendListener listener) {
            this.appendListener = listener;
            return this;
        }

        public Builder commitHook(CommitHook hook) {
            this.commitHook = hook;
            return this;
        }

        @Override
        public Builder batchSize(int batchSize) {
            super.batchSize(batchSize);
            return this;
        }

        @Override
        public Builder eventSerializer(Serializer eventSerializer) {
            super.eventSerializer(eventSerializer);
            return this;
        }

        @Override
        public Builder snapshotSerializer(Serializer snapshotSerializer) {
            super.snapshotSerializer(snapshotSerializer);
            return this;
        }

        @Override
        public Builder upcasterChain(EventUpcaster upcasterChain) {
            super.upcasterChain(upcasterChain);
            return this;
        }

        @Override
        public Builder snapshotFilter(SnapshotFilter snapshotFilter) {
            super.snapshotFilter(snapshotFilter);
            return this;
        }

        @Override
        public Builder persistenceExceptionResolver(PersistenceExceptionResolver resolver) {
            super.persistenceExceptionResolver(resolver);
            return this;
        }

        @Override
        protected void validate() throws AxonConfigurationException {
            super.validate();
            if (database == null) {
                throw new AxonConfigurationException("A MongoDatabase is required");
            }
            if (gapTimeout == null || gapTimeout.isNegative()) {
                throw new AxonConfigurationException("The gap timeout must be zero or positive");
            }
            if (maxCommitAttempts < 1) {
                throw new AxonConfigurationException("maxCommitAttempts must be at least 1");
            }
        }

        public GapAwareMongoEventStorageEngine build() {
            validate();
            return new GapAwareMongoEventStorageEngine(this);
        }
    }
}
