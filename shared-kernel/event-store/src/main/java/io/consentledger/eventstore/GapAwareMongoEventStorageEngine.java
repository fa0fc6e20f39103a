package io.consentledger.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.axonframework.common.AxonConfigurationException;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
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
 *     <li><b>Unique event identifiers.</b> The commit's {@code eventIds} array, under a unique sparse multikey index,
 *     refuses an event that is already stored the same way. A unique index compares different documents only, so a
 *     pair or identifier repeated inside one commit is refused in memory, before the insert, through the same
 *     {@code PersistenceExceptionResolver}.</li>
 *     <li><b>Gap awareness.</b> Tracking readers use Axon's {@link GapAwareTrackingToken}. A position that is allocated
 *     but not yet visible is a gap: later events are delivered without waiting, and the gap is looked up again on
 *     every batch until it is filled.</li>
 *     <li><b>Sealing dead gaps.</b> A gap still empty after {@code gapTimeout} is sealed by inserting a tombstone at
 *     that position. The unique {@code positions} index makes the tombstone and a late commit exclusive: whichever
 *     is inserted first owns the position. A writer that finds its position sealed allocates new positions and
 *     inserts again, so a slow writer is never skipped: its commit becomes visible at a later position.</li>
 *     <li><b>Refused commits seal their own positions.</b> A commit refused for a concurrency conflict or an event
 *     already stored will never fill the positions it was handed: its writer seals them at once (one unordered
 *     {@code insertMany}; a position already owned is left to its owner), so readers do not carry them as gaps
 *     for the gap timeout.</li>
 * </ul>
 *
 * <h2>Structure</h2>
 * This class is the one door Axon sees. The commit-document schema (field names, mapping to and from documents)
 * lives in {@link CommitSchema}, tracking reads and start tokens in {@link TrackingReader}, gap sealing in
 * {@link GapSealer}, position allocation and the head of the log in {@link PositionAllocator}.
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
    private static final int DUPLICATE_KEY_CODE = 11000;

    private final MongoCollection<Document> commits;
    private final MongoCollection<Document> counters;
    private final MongoCollection<Document> snapshots;
    private final PositionAllocator positions;
    private final GapSealer sealer;
    private final TrackingReader tracking;
    private final Clock clock;
    private final int maxCommitAttempts;
    private final AppendListener appendListener;
    private final CommitHook commitHook;
    private final PayloadProtector payloadProtector;
    private final SnapshotProtector snapshotProtector;

    protected GapAwareMongoEventStorageEngine(Builder builder) {
        super(builder);
        WriteConcern writeConcern = builder.writeConcern;
        MongoDatabase database = builder.database.withWriteConcern(writeConcern)
                                                 .withReadPreference(ReadPreference.primary());
        this.commits = database.getCollection(builder.eventsCollection);
        this.counters = database.getCollection(CommitSchema.countersCollection(builder.eventsCollection));
        this.snapshots = database.getCollection(builder.snapshotsCollection);
        this.positions = new PositionAllocator(counters);
        this.sealer = new GapSealer(commits, builder.gapTimeout, builder.nanoClock, builder.clock);
        this.tracking = new TrackingReader(commits, positions, sealer,
                                           Math.max(builder.headTokenLookBack, batchSize()));
        this.clock = builder.clock;
        this.maxCommitAttempts = builder.maxCommitAttempts;
        this.appendListener = builder.appendListener;
        this.commitHook = builder.commitHook;
        this.payloadProtector = builder.payloadProtector;
        this.snapshotProtector = builder.snapshotProtector;
        if (builder.ensureIndexes) {
            ensureIndexes();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Creates the unique indexes every hot path relies on, and the position counter. Safe to call repeatedly. */
    public void ensureIndexes() {
        commits.createIndex(Indexes.ascending(CommitSchema.POSITIONS),
                            new IndexOptions().unique(true).name(CommitSchema.POSITIONS_INDEX));
        commits.createIndex(Indexes.ascending(CommitSchema.SEQ_KEYS),
                            new IndexOptions().unique(true).sparse(true).name(CommitSchema.SEQ_KEYS_INDEX));
        commits.createIndex(Indexes.ascending(CommitSchema.EVENT_IDS),
                            new IndexOptions().unique(true).sparse(true).name(CommitSchema.EVENT_IDS_INDEX));
        try {
            counters.updateOne(eq(CommitSchema.ID, CommitSchema.COUNTER_ID),
                               Updates.setOnInsert(CommitSchema.COUNTER_VALUE, 0L), new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }

    /**
     * Deletes the snapshots of these aggregates (issue 16: a snapshot of an erased customer's aggregate holds its
     * personal values in the clear; the next load rebuilds the state from the events, where they read as erased).
     */
    public void deleteSnapshots(java.util.Collection<String> aggregateIds) {
        if (!aggregateIds.isEmpty()) {
            snapshots.deleteMany(com.mongodb.client.model.Filters.in(CommitSchema.ID, aggregateIds));
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
        List<String> eventIds = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        for (EventMessage<?> event : events) {
            String seqKey = CommitSchema.seqKeyOf(event);
            if ((seqKey != null && !seen.add("s:" + seqKey)) | !seen.add("i:" + event.getIdentifier())) {
                // The unique multikey indexes compare different documents only: a duplicate inside one commit is
                // caught here, before anything is sent, and fails as a duplicate across commits does.
                handlePersistenceException(duplicateInCommit(event, seqKey), event);
            }
            if (seqKey != null) {
                seqKeys.add(seqKey);
            }
            eventIds.add(event.getIdentifier());
            eventDocuments.add(CommitSchema.eventDocument(event, serializer, payloadProtector));
        }
        for (int attempt = 1; ; attempt++) {
            long last = positions.allocate(events.size());
            long first = last - events.size() + 1;
            Document commit = CommitSchema.commit(first, LongStream.rangeClosed(first, last).boxed().toList(),
                                                  seqKeys, eventIds, clock.instant(), events, eventDocuments);
            commitHook.positionsAllocated(first, last);
            try {
                commits.insertOne(commit);
                appendListener.appended(events.size(), attempt, System.nanoTime() - started);
                return;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    handlePersistenceException(e, events.get(0));
                }
                // Another writer owns one of our (aggregate, sequence) pairs: optimistic concurrency says no. Or one
                // of our events is already stored: appending a message twice is refused like a conflict.
                Optional<EventMessage<?>> refused = firstConflictingEvent(events, seqKeys)
                        .or(() -> firstStoredEvent(events, eventIds));
                if (refused.isPresent()) {
                    // Nothing will be stored at our positions: seal them now rather than leave readers a gap.
                    sealer.sealRefused(first, last);
                    handlePersistenceException(e, refused.get());
                }
                if (attempt >= maxCommitAttempts) {
                    throw new EventStoreException(
                            "Could not find a free global position after " + attempt + " attempts", e);
                }
                // Someone owns one of our positions. Nothing of this commit is stored: take new positions, so that
                // no reader can miss it.
                if (sealer.isSealed(first, last)) {
                    logger.warn("Global positions {}..{} were sealed before this commit landed (slower than the gap "
                                        + "timeout of {}); committing again at new positions", first, last,
                                sealer.gapTimeout());
                } else {
                    logger.info("Global positions {}..{} were taken by another writer (the store handed them out "
                                        + "twice); committing again at new positions", first, last);
                }
            }
        }
    }

    private Optional<EventMessage<?>> firstConflictingEvent(List<? extends EventMessage<?>> events,
                                                            List<String> seqKeys) {
        if (seqKeys.isEmpty()) {
            return Optional.empty();
        }
        Set<String> taken = new HashSet<>();
        for (Document existing : findDistinct(in(CommitSchema.SEQ_KEYS, seqKeys))) {
            taken.addAll(CommitSchema.seqKeys(existing));
        }
        return events.stream()
                     .filter(e -> taken.contains(CommitSchema.seqKeyOf(e)))
                     .<EventMessage<?>>map(e -> e)
                     .findFirst();
    }

    private Optional<EventMessage<?>> firstStoredEvent(List<? extends EventMessage<?>> events, List<String> eventIds) {
        Set<String> taken = new HashSet<>();
        for (Document existing : findDistinct(in(CommitSchema.EVENT_IDS, eventIds))) {
            taken.addAll(CommitSchema.eventIds(existing));
        }
        return events.stream()
                     .filter(e -> taken.contains(e.getIdentifier()))
                     .<EventMessage<?>>map(e -> e)
                     .findFirst();
    }

    /**
     * The error the store would answer if its unique indexes compared the entries of one document: a duplicate key
     * (code 11000), so that the configured {@code PersistenceExceptionResolver} classifies it like any other.
     */
    private static MongoWriteException duplicateInCommit(EventMessage<?> event, String seqKey) {
        String what = seqKey != null ? "aggregate sequence " + seqKey + " or event identifier " + event.getIdentifier()
                : "event identifier " + event.getIdentifier();
        return new MongoWriteException(
                new WriteError(DUPLICATE_KEY_CODE, "E11000 duplicate key inside one commit: " + what
                        + " appears twice (detected before the commit was sent)", new BsonDocument()),
                new ServerAddress(), Set.of());
    }

    /** The highest global position allocated so far: the head of the log, including commits still in flight. */
    public long headPosition() {
        return positions.head();
    }

    // ------------------------------------------------------------------------------------------------ aggregate load

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber, int batchSize) {
        List<String> keys = LongStream.range(firstSequenceNumber, firstSequenceNumber + batchSize)
                                      .mapToObj(seq -> CommitSchema.seqKey(aggregateIdentifier, seq))
                                      .toList();
        List<GenericDomainEventEntry<String>> found = new ArrayList<>();
        for (Document commit : findDistinct(in(CommitSchema.SEQ_KEYS, keys))) {
            for (Document event : CommitSchema.events(commit)) {
                if (aggregateIdentifier.equals(CommitSchema.aggregateId(event))) {
                    long seq = CommitSchema.sequenceNumber(event);
                    if (seq >= firstSequenceNumber && seq < firstSequenceNumber + batchSize) {
                        found.add(CommitSchema.toDomainEntry(event));
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
        return commits.find(eq(CommitSchema.SEQ_KEYS, CommitSchema.seqKey(aggregateIdentifier, sequenceNumber)))
                      .projection(new Document(CommitSchema.ID, 1)).first() != null;
    }

    /**
     * Which of several (aggregate, sequence number) pairs the store holds an event at, in one {@code $in} probe on the
     * unique {@code seqKeys} index (no payload read): {@link #hasEventAt} for several aggregates in one round trip.
     *
     * @param sequences aggregate identifier to sequence number
     * @return the aggregate identifiers that have an event at their sequence number
     */
    public java.util.Set<String> aggregatesWithEventAt(java.util.Map<String, Long> sequences) {
        java.util.Map<String, String> byKey = new java.util.HashMap<>();
        sequences.forEach((id, sequence) -> byKey.put(CommitSchema.seqKey(id, sequence), id));
        java.util.Set<String> found = new java.util.HashSet<>();
        if (byKey.isEmpty()) {
            return found;
        }
        for (Document commit : commits.find(com.mongodb.client.model.Filters.in(CommitSchema.SEQ_KEYS, byKey.keySet()))
                                      .projection(new Document(CommitSchema.SEQ_KEYS, 1))) {
            for (String key : CommitSchema.seqKeys(commit)) {
                String id = byKey.get(key);
                if (id != null) {
                    found.add(id);
                }
            }
        }
        return found;
    }

    /**
     * The type of the aggregate stored under this id (of its first event), or empty when there is none: one equality
     * probe on the unique {@code seqKeys} index. Lets a repository tell an unknown id, or an id of another type,
     * before loading, so that such a refusal costs what a known id costs and throws nothing deep in the load.
     */
    public Optional<String> aggregateTypeOf(String aggregateIdentifier) {
        Document commit = commits.find(eq(CommitSchema.SEQ_KEYS, CommitSchema.seqKey(aggregateIdentifier, 0)))
                                 .projection(new Document(CommitSchema.EVENTS + "." + CommitSchema.AGGREGATE_ID, 1)
                                                     .append(CommitSchema.EVENTS + "." + CommitSchema.AGGREGATE_TYPE, 1))
                                 .first();
        if (commit == null) {
            return Optional.empty();
        }
        for (Object event : commit.getList(CommitSchema.EVENTS, Object.class, List.of())) {
            if (event instanceof Document document
                    && aggregateIdentifier.equals(document.getString(CommitSchema.AGGREGATE_ID))) {
                return Optional.ofNullable(document.getString(CommitSchema.AGGREGATE_TYPE));
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

    private List<Document> findDistinct(Bson filter) {
        return CommitSchema.distinct(commits.find(filter));
    }

    // ------------------------------------------------------------------------------------------------ tracking

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        return tracking.fetch(lastToken, batchSize);
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
        return tracking.headToken();
    }

    /** A token before the first commit whose writer's clock read {@code dateTime} or later (see TrackingReader). */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return tracking.tokenAt(dateTime);
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /**
     * Stores the snapshot, its aggregate protected by the {@link SnapshotProtector} (issue 16: encrypted under the
     * customer's key). None is stored for an aggregate of an erased customer: it loads from its events.
     */
    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        Document current = snapshots.find(eq(CommitSchema.ID, snapshot.getAggregateIdentifier())).first();
        if (current != null && CommitSchema.sequenceNumber(current) >= snapshot.getSequenceNumber()) {
            return;
        }
        Document document;
        try {
            document = CommitSchema.snapshot(snapshot, serializer, snapshotProtector);
        } catch (io.consentledger.eventstore.privacy.CustomerErasedException erased) {
            logger.debug("No snapshot of {}: its customer's personal data is erased", snapshot.getAggregateIdentifier());
            return;
        }
        try {
            snapshots.replaceOne(eq(CommitSchema.ID, snapshot.getAggregateIdentifier()), document,
                                 new ReplaceOptions().upsert(true));
        } catch (MongoWriteException e) {
            handlePersistenceException(e, snapshot);
        }
    }

    /**
     * The snapshot, opened by the {@link SnapshotProtector}; none when it cannot be opened (its customer's key was
     * destroyed, or the ciphertext does not belong to this aggregate): the aggregate then loads from its events, which
     * are the truth, and a snapshot that does not open is reported.
     */
    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        Document snapshot = snapshots.find(eq(CommitSchema.ID, aggregateIdentifier)).first();
        if (snapshot == null) {
            return Stream.empty();
        }
        Optional<Document> opened;
        try {
            opened = CommitSchema.revealSnapshot(snapshot, snapshotProtector);
        } catch (io.consentledger.eventstore.privacy.PersonalDataException unreadable) {
            logger.warn("The snapshot of {} is not used: {}", aggregateIdentifier, unreadable.getMessage());
            return Stream.empty();
        }
        return opened.map(CommitSchema::toDomainEntry).stream();
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
        private PayloadProtector payloadProtector = PayloadProtector.NONE;
        private SnapshotProtector snapshotProtector = SnapshotProtector.NONE;

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

        /** Rewrites each serialized payload before it is stored (issue 16: encrypts personal fields). */
        public Builder payloadProtector(PayloadProtector protector) {
            this.payloadProtector = protector;
            return this;
        }

        /** Protects each snapshot's aggregate before it is stored, and opens it on read (issue 16). */
        public Builder snapshotProtector(SnapshotProtector protector) {
            this.snapshotProtector = protector;
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
