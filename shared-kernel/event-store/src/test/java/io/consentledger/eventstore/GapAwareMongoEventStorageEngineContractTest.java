package io.consentledger.eventstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.SlowWriter;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage-engine contract. Runs against the embedded server, or against the MongoDB named by
 * {@code CONSENT_LEDGER_TEST_MONGODB_URI}.
 */
class GapAwareMongoEventStorageEngineContractTest extends StoreTest {

    record AmountRecorded(String accountId, BigDecimal amount, String currency) {
    }

    record NameChanged(String name) {
    }

    private static final JacksonSerializer SERIALIZER = LedgerSerializers.jackson();
    private static final Duration GAP_TIMEOUT = Duration.ofSeconds(5);

    /** The readers' monotonic clock, moved by hand so that gap timeouts are deterministic. */
    private final AtomicLong nanos = new AtomicLong();
    private String collection;

    @BeforeEach
    void freshCollections() {
        collection = freshCollection("events_");
    }

    private GapAwareMongoEventStorageEngine.Builder builder() {
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(stores.database())
                                              .eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(SERIALIZER)
                                              .snapshotSerializer(SERIALIZER)
                                              .gapTimeout(GAP_TIMEOUT)
                                              .nanoClock(nanos::get);
    }

    private GapAwareMongoEventStorageEngine engine() {
        return builder().build();
    }

    private static DomainEventMessage<?> event(String aggregateId, long seq) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, new BigDecimal("12.30"), "EUR"));
    }

    private static DomainEventMessage<?> eventAt(String aggregateId, long seq, Instant timestamp) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, BigDecimal.ONE, "EUR"),
                                               MetaData.emptyInstance(), UUID.randomUUID().toString(), timestamp);
    }

    /** A tracking reader that remembers its token between polls, like a processor. */
    private static final class Reader {
        private final GapAwareMongoEventStorageEngine engine;
        private TrackingToken token;
        private final List<TrackedEventMessage<?>> delivered = new ArrayList<>();

        Reader(GapAwareMongoEventStorageEngine engine, TrackingToken start) {
            this.engine = engine;
            this.token = start;
        }

        List<TrackedEventMessage<?>> poll() {
            List<TrackedEventMessage<?>> batch = engine.readEvents(token, false).collect(Collectors.toList());
            if (!batch.isEmpty()) {
                token = batch.get(batch.size() - 1).trackingToken();
            }
            delivered.addAll(batch);
            return batch;
        }

        List<String> deliveredIds() {
            return delivered.stream().map(EventMessage::getIdentifier).toList();
        }

        GapAwareTrackingToken token() {
            return (GapAwareTrackingToken) token;
        }
    }

    @Nested
    class AppendAndRead {

        @Test
        void readsBackAnAggregateStreamInSequenceOrder() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("a", 0), event("a", 1), event("a", 2));
            engine.appendEvents(event("b", 0));
            engine.appendEvents(event("a", 3));

            List<? extends DomainEventMessage<?>> stream = engine.readEvents("a").asStream().toList();

            assertThat(stream).extracting(DomainEventMessage::getSequenceNumber).containsExactly(0L, 1L, 2L, 3L);
            assertThat(stream.get(0).getPayload()).isEqualTo(new AmountRecorded("a", new BigDecimal("12.30"), "EUR"));
            assertThat(engine.lastSequenceNumberFor("a")).contains(3L);
            assertThat(engine.lastSequenceNumberFor("unknown")).isEmpty();
            assertThat(engine.readEvents("a", 2).asStream().map(DomainEventMessage::getSequenceNumber))
                    .containsExactly(2L, 3L);
        }

        @Test
        void readsStreamsLongerThanOneBatch() {
            GapAwareMongoEventStorageEngine engine = builder().batchSize(7).build();
            for (int seq = 0; seq < 30; seq++) {
                engine.appendEvents(event("long", seq));
            }
            assertThat(engine.readEvents("long").asStream().map(DomainEventMessage::getSequenceNumber))
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 30).boxed().toList());
            assertThat(engine.lastSequenceNumberFor("long")).contains(29L);
        }

        @Test
        void storesOneCommitAsOneReadableDocumentWithExactMoney() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(List.of(event("a", 0), event("a", 1)));

            List<Document> raw = stores.database().getCollection(collection).find().into(new ArrayList<>());
            assertThat(raw).hasSize(1);
            Document commit = raw.get(0);
            assertThat(commit.getList("positions", Long.class)).containsExactly(1L, 2L);
            assertThat(commit.getList("seqKeys", String.class)).containsExactly("a/0", "a/1");
            Document payload = commit.getList("events", Document.class).get(0).get("payload", Document.class);
            assertThat(payload.getString("accountId")).isEqualTo("a");
            assertThat(payload.get("amount")).isEqualTo("12.30");
        }

        @Test
        void deliversEventsNotPublishedByAnAggregateAsPlainEvents() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(GenericEventMessage.asEventMessage(new NameChanged("ledger")));
            engine.appendEvents(event("a", 0));

            List<? extends TrackedEventMessage<?>> all = engine.readEvents(null, false).toList();
            assertThat(all).hasSize(2);
            assertThat(all.get(0)).isNotInstanceOf(DomainEventMessage.class);
            assertThat(all.get(0).getPayload()).isEqualTo(new NameChanged("ledger"));
            assertThat(all.get(1)).isInstanceOf(DomainEventMessage.class);
        }

        @Test
        void keepsMetaData() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("a", 0).andMetaData(Map.of("correlationId", "c-1", "principal", "bank-1")));
            DomainEventMessage<?> read = engine.readEvents("a").next();
            assertThat(read.getMetaData()).containsEntry("correlationId", "c-1").containsEntry("principal", "bank-1");
        }
    }

    @Nested
    class OptimisticConcurrency {

        @Test
        void refusesASecondWriterOfTheSameSequence() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("a", 0), event("a", 1));

            assertThatThrownBy(() -> engine.appendEvents(event("a", 0)))
                    .isInstanceOf(AggregateStreamCreationException.class);
            assertThatThrownBy(() -> engine.appendEvents(event("a", 1)))
                    .isInstanceOf(ConcurrencyException.class);
            assertThat(engine.readEvents("a").asStream().count()).isEqualTo(2);
        }

        @Test
        void aRefusedCommitLeavesNothingBehind() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("b", 0));

            // the first event is new, the second conflicts: the commit is refused whole
            assertThatThrownBy(() -> engine.appendEvents(event("a", 0), event("b", 0)))
                    .isInstanceOf(AggregateStreamCreationException.class);

            assertThat(engine.readEvents("a").asStream()).isEmpty();
            assertThat(engine.readEvents(null, false).toList()).hasSize(1);
        }

        @Test
        void aCommitRefusedForAConflictSealsItsOwnPositionsAtOnce() {
            GapAwareMongoEventStorageEngine engine = engine();
            Reader reader = new Reader(engine(), null);
            engine.appendEvents(event("a", 0), event("a", 1)); // positions 1..2

            // positions 3..4 are allocated, then the commit is refused: a second writer of a/1
            assertThatThrownBy(() -> engine.appendEvents(event("a", 1), event("a", 2)))
                    .isInstanceOf(ConcurrencyException.class);
            engine.appendEvents(event("b", 0)); // position 5

            // no gap timeout has passed: the refused writer sealed 3..4 itself, so no reader waits for them
            assertThat(rawTombstone(3)).isNotNull();
            assertThat(rawTombstone(4)).isNotNull();
            assertThat(reader.poll()).hasSize(3);
            assertThat(reader.token().getGaps()).as("a refused commit leaves no gap behind").isEmpty();
            assertThat(engine.readEvents("a").asStream().count()).isEqualTo(2);
        }

        @Test
        void aCommitOfAnEventAlreadyStoredSealsItsOwnPositionsAtOnce() {
            GapAwareMongoEventStorageEngine engine = engine();
            Reader reader = new Reader(engine(), null);
            EventMessage<?> once = GenericEventMessage.asEventMessage(new NameChanged("once"));
            engine.appendEvents(once); // position 1

            assertThatThrownBy(() -> engine.appendEvents(once)).isInstanceOf(ConcurrencyException.class);
            engine.appendEvents(event("b", 0)); // position 3

            assertThat(rawTombstone(2)).isNotNull();
            assertThat(reader.poll()).hasSize(2);
            assertThat(reader.token().getGaps()).isEmpty();
        }

        @Test
        void aRefusedCommitWhosePositionWasAlreadySealedStillFailsAsAConflict() {
            // a reader sealed one of the refused writer's positions first: sealing the rest must not trip over it
            AtomicBoolean sealFirst = new AtomicBoolean(false);
            GapAwareMongoEventStorageEngine engine = builder().commitHook((first, last) -> {
                if (sealFirst.getAndSet(false)) {
                    stores.database().getCollection(collection).insertOne(CommitSchema.tombstone(first, Instant.now()));
                }
            }).build();
            engine.appendEvents(event("a", 0)); // 1
            sealFirst.set(true);
            assertThatThrownBy(() -> engine.appendEvents(event("a", 0), event("a", 1)))
                    .isInstanceOf(AggregateStreamCreationException.class); // 2..3 allocated, 2 sealed by "a reader"
            engine.appendEvents(event("c", 0)); // 4

            assertThat(rawTombstone(2)).isNotNull();
            assertThat(rawTombstone(3)).isNotNull();
            Reader reader = new Reader(engine(), null);
            assertThat(reader.poll()).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier())
                                     .containsExactly("a", "c");
            assertThat(reader.token().getGaps()).isEmpty();
        }

        @Test
        void manyWritersOnFewHotAggregatesNeverDuplicateASequence() throws Exception {
            GapAwareMongoEventStorageEngine engine = engine();
            List<String> hot = List.of("hot-1", "hot-2", "hot-3");
            int threads = 8;
            int attemptsPerThread = 60;
            AtomicInteger appended = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        String aggregate = hot.get((thread + i) % hot.size());
                        long next = engine.lastSequenceNumberFor(aggregate).map(s -> s + 1).orElse(0L);
                        try {
                            engine.appendEvents(event(aggregate, next));
                            appended.incrementAndGet();
                        } catch (ConcurrencyException | AggregateStreamCreationException e) {
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(conflicts.get()).as("conflicts actually observed").isPositive();
            assertThat(appended.get() + conflicts.get()).isEqualTo(threads * attemptsPerThread);
            long stored = 0;
            for (String aggregate : hot) {
                List<Long> seqs = engine.readEvents(aggregate).asStream().map(DomainEventMessage::getSequenceNumber).toList();
                assertThat(seqs).doesNotHaveDuplicates();
                assertThat(seqs).containsExactlyElementsOf(java.util.stream.LongStream.range(0, seqs.size()).boxed().toList());
                stored += seqs.size();
            }
            assertThat(stored).isEqualTo(appended.get());
            List<String> tracked = engine.readEvents(null, false).map(EventMessage::getIdentifier).toList();
            assertThat(tracked).hasSize(appended.get()).doesNotHaveDuplicates();
        }
    }

    @Nested
    class GlobalOrder {

        @Test
        void aLateCommitIsDeliveredExactlyOnce() throws Exception {
            SlowWriter slow = new SlowWriter();
            GapAwareMongoEventStorageEngine slowWriter = builder().commitHook(slow.hook()).build();
            GapAwareMongoEventStorageEngine writer = engine();
            Reader reader = new Reader(engine(), null);

            slow.beginAppend(slowWriter, event("late", 0));
            for (int i = 0; i < 50; i++) {
                writer.appendEvents(event("on-time-" + i, 0));
                if (i % 10 == 0) {
                    reader.poll();
                }
            }
            reader.poll();
            assertThat(reader.delivered).hasSize(50);
            assertThat(reader.token().getGaps()).containsExactly(1L);

            slow.finish();

            List<TrackedEventMessage<?>> afterCommit = reader.poll();
            assertThat(afterCommit).hasSize(1);
            assertThat(((DomainEventMessage<?>) afterCommit.get(0)).getAggregateIdentifier()).isEqualTo("late");
            assertThat(reader.token().getGaps()).isEmpty();
            assertThat(reader.poll()).isEmpty();
            assertThat(reader.deliveredIds()).hasSize(51).doesNotHaveDuplicates();
        }

        @Test
        void writersWithSkewedClocksLoseNothing() {
            Instant now = Instant.now();
            GapAwareMongoEventStorageEngine ahead =
                    builder().clock(Clock.fixed(now.plus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
            GapAwareMongoEventStorageEngine behind =
                    builder().clock(Clock.fixed(now.minus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
            Reader reader = new Reader(engine(), null);
            List<String> appendedInOrder = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                DomainEventMessage<?> fromAhead = eventAt("ahead-" + i, 0, now.plus(Duration.ofHours(1)).plusMillis(i));
                DomainEventMessage<?> fromBehind = eventAt("behind-" + i, 0, now.minus(Duration.ofHours(1)).plusMillis(i));
                ahead.appendEvents(fromAhead);
                reader.poll();
                behind.appendEvents(fromBehind);
                reader.poll();
                appendedInOrder.add(fromAhead.getIdentifier());
                appendedInOrder.add(fromBehind.getIdentifier());
            }
            reader.poll();
            assertThat(reader.deliveredIds()).containsExactlyElementsOf(appendedInOrder);
        }

        @Test
        void aDeadWritersGapIsSealedAfterTheTimeoutAndStopsBeingCarried() {
            AtomicBoolean crashNext = new AtomicBoolean(true);
            GapAwareMongoEventStorageEngine dying = builder().commitHook((first, last) -> {
                if (crashNext.getAndSet(false)) {
                    throw new IllegalStateException("writer died after taking position " + first);
                }
            }).build();
            GapAwareMongoEventStorageEngine writer = engine();
            Reader reader = new Reader(engine(), null);

            assertThatThrownBy(() -> dying.appendEvents(event("never", 0))).isInstanceOf(IllegalStateException.class);
            writer.appendEvents(event("a", 0));
            writer.appendEvents(event("b", 0));

            assertThat(reader.poll()).hasSize(2); // later events are not held back by the gap
            assertThat(reader.token().getGaps()).containsExactly(1L);

            nanos.addAndGet(GAP_TIMEOUT.toNanos() - 1);
            reader.poll();
            assertThat(rawTombstone(1)).as("not sealed before the timeout").isNull();

            nanos.addAndGet(2);
            reader.poll();
            assertThat(rawTombstone(1)).as("sealed after the timeout").isNotNull();

            writer.appendEvents(event("c", 0));
            assertThat(reader.poll()).hasSize(1);
            assertThat(reader.token().getGaps()).as("the sealed gap is no longer carried").isEmpty();
            assertThat(reader.deliveredIds()).hasSize(3);
        }

        @Test
        void aWriterSlowerThanTheGapTimeoutIsNeverSkipped() throws Exception {
            SlowWriter slow = new SlowWriter();
            GapAwareMongoEventStorageEngine slowWriter = builder().commitHook(slow.hook()).build();
            GapAwareMongoEventStorageEngine writer = engine();
            Reader reader = new Reader(engine(), null);

            slow.beginAppend(slowWriter, event("slow", 0));
            writer.appendEvents(event("a", 0));
            reader.poll();
            nanos.addAndGet(GAP_TIMEOUT.toNanos() + 1);
            reader.poll();
            assertThat(rawTombstone(1)).as("the slow writer's position was sealed").isNotNull();

            slow.finish(); // the append still succeeds, at a new position

            List<TrackedEventMessage<?>> delivered = reader.poll();
            assertThat(delivered).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier())
                                 .containsExactly("slow");
            assertThat(delivered.get(0).trackingToken().position().orElseThrow()).isGreaterThan(2);
            assertThat(reader.poll()).isEmpty();
            assertThat(reader.deliveredIds()).hasSize(2).doesNotHaveDuplicates();
            assertThat(slowWriter.readEvents("slow").asStream().count()).isEqualTo(1);
        }

        @Test
        void aRunOfSealedPositionsLongerThanABatchDoesNotStallReaders() {
            AtomicBoolean crash = new AtomicBoolean(true);
            GapAwareMongoEventStorageEngine dying = builder().commitHook((first, last) -> {
                if (crash.get()) {
                    throw new IllegalStateException("crash");
                }
            }).build();
            for (int i = 0; i < 12; i++) {
                assertThatThrownBy(() -> dying.appendEvents(event("never", 0))).isInstanceOf(IllegalStateException.class);
            }
            GapAwareMongoEventStorageEngine reading = builder().batchSize(5).build();
            Reader reader = new Reader(reading, null);
            reader.poll();
            nanos.addAndGet(GAP_TIMEOUT.toNanos() + 1);
            reader.poll();
            reader.poll();
            reader.poll();
            engine().appendEvents(event("after", 0));

            assertThat(reader.poll()).extracting(EventMessage::getIdentifier).hasSize(1);
            assertThat(reader.token().getIndex()).isEqualTo(13);
            assertThat(reader.token().getGaps()).isEmpty();
        }

        @Test
        void aRunOfPendingPositionsLongerThanABatchDoesNotHoldBackLaterEvents() {
            GapAwareMongoEventStorageEngine dying = builder().commitHook((first, last) -> {
                throw new IllegalStateException("crash");
            }).build();
            for (int i = 0; i < 12; i++) {
                assertThatThrownBy(() -> dying.appendEvents(event("never", 0))).isInstanceOf(IllegalStateException.class);
            }
            engine().appendEvents(event("behind-the-run", 0));
            Reader reader = new Reader(builder().batchSize(5).build(), null);

            assertThat(reader.poll()).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier())
                                     .containsExactly("behind-the-run");
            assertThat(reader.token().getGaps()).hasSize(12);
        }

        @Test
        void aReplayReproducesTheSameGlobalSequence() {
            GapAwareMongoEventStorageEngine engine = engine();
            List<String> appended = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                List<EventMessage<?>> commit = i % 3 == 0
                        ? List.of(event("multi-" + i, 0), event("multi-" + i, 1), event("multi-" + i, 2))
                        : List.of(event("single-" + i, 0));
                engine.appendEvents(commit);
                commit.forEach(e -> appended.add(e.getIdentifier()));
            }
            engine.appendEvents(GenericEventMessage.asEventMessage(new NameChanged("x")));
            List<TrackedEventMessage<?>> first = engine.readEvents(null, false).collect(Collectors.toList());
            List<TrackedEventMessage<?>> replay = builder().batchSize(7).build().readEvents(null, false).collect(Collectors.toList());

            assertThat(first).extracting(EventMessage::getIdentifier).containsSubsequence(appended).hasSize(appended.size() + 1);
            assertThat(replay).extracting(EventMessage::getIdentifier)
                              .containsExactlyElementsOf(first.stream().map(EventMessage::getIdentifier).toList());
            assertThat(replay).extracting(e -> e.trackingToken().position().orElseThrow())
                              .containsExactlyElementsOf(first.stream().map(e -> e.trackingToken().position().orElseThrow()).toList());
        }

        @Test
        void aReaderResumingInsideAMultiEventCommitGetsTheRestOfIt() {
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("m", 0), event("m", 1), event("m", 2), event("m", 3));
            List<TrackedEventMessage<?>> all = engine.readEvents(null, false).collect(Collectors.toList());
            TrackingToken afterSecond = all.get(1).trackingToken();

            List<TrackedEventMessage<?>> rest = builder().batchSize(1).build().readEvents(afterSecond, false).collect(Collectors.toList());

            assertThat(rest).extracting(e -> ((DomainEventMessage<?>) e).getSequenceNumber()).containsExactly(2L, 3L);
        }

        @Test
        void aHeadTokenSkipsThePastButKeepsPendingPositionsAsGaps() throws Exception {
            SlowWriter slow = new SlowWriter();
            GapAwareMongoEventStorageEngine slowWriter = builder().commitHook(slow.hook()).build();
            GapAwareMongoEventStorageEngine engine = engine();
            engine.appendEvents(event("past", 0));
            slow.beginAppend(slowWriter, event("pending", 0));
            engine.appendEvents(event("recent", 0));

            Reader reader = new Reader(engine, engine.createHeadToken());
            engine.appendEvents(event("future", 0));
            slow.finish();
            reader.poll();
            reader.poll();

            assertThat(reader.delivered).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier())
                                        .containsExactlyInAnyOrder("pending", "future");
            assertThat(engine.createTailToken()).isNull();
        }
    }

    @Nested
    class AxonFeatures {

        @Test
        void keepsOnlyTheNewestSnapshotAndLoadsEventsAfterIt() {
            GapAwareMongoEventStorageEngine engine = engine();
            for (int seq = 0; seq < 6; seq++) {
                engine.appendEvents(event("snap", seq));
            }
            engine.storeSnapshot(new GenericDomainEventMessage<>("Account", "snap", 4, new NameChanged("at-4")));
            engine.storeSnapshot(new GenericDomainEventMessage<>("Account", "snap", 2, new NameChanged("at-2")));

            DomainEventMessage<?> snapshot = engine.readSnapshot("snap").orElseThrow();
            assertThat(snapshot.getSequenceNumber()).isEqualTo(4);
            assertThat(snapshot.getPayload()).isEqualTo(new NameChanged("at-4"));

            EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
            try {
                List<Long> loaded = store.readEvents("snap").asStream().map(DomainEventMessage::getSequenceNumber).toList();
                assertThat(loaded).containsExactly(4L, 5L);
            } finally {
                store.shutDown();
            }
        }

        @Test
        void upcastsStoredEventsOnRead() {
            engine().appendEvents(new GenericDomainEventMessage<>("Account", "u", 0, new NameChanged("old")));
            SingleEventUpcaster renameToUpperCase = new SingleEventUpcaster() {
                @Override
                protected boolean canUpcast(IntermediateEventRepresentation representation) {
                    return representation.getType().getName().equals(NameChanged.class.getName())
                            && representation.getType().getRevision() == null;
                }

                @Override
                protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
                    return representation.upcastPayload(
                            new SimpleSerializedType(NameChanged.class.getName(), "2"),
                            com.fasterxml.jackson.databind.JsonNode.class,
                            node -> ((ObjectNode) node).put("name", node.get("name").asText().toUpperCase()));
                }
            };
            GapAwareMongoEventStorageEngine upcasting = builder().upcasterChain(renameToUpperCase).build();

            assertThat(upcasting.readEvents("u").next().getPayload()).isEqualTo(new NameChanged("OLD"));
            assertThat(upcasting.readEvents(null, false).findFirst().orElseThrow().getPayload())
                    .isEqualTo(new NameChanged("OLD"));
        }
    }

    private Document rawTombstone(long position) {
        return stores.database().getCollection(collection).find(eq("_id", position))
                     .into(new ArrayList<>()).stream()
                     .filter(d -> Boolean.TRUE.equals(d.getBoolean("tombstone")))
                     .findFirst().orElse(null);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
