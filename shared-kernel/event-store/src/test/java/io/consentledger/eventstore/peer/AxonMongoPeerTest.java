package io.consentledger.eventstore.peer;

import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our engine next to its peer, axon-mongo 4.12.0's {@link MongoEventStorageEngine} (document per event, default
 * look-back time of 1 s, on {@link DefaultMongoTemplate}), in the two situations where a timestamp-ordered stream
 * loses events: a commit that becomes visible late, and writers whose clocks disagree.
 * <p>
 * Each test asserts what the engine actually does, so a change of behaviour on either side fails here. Both engines
 * use the ledger's Jackson serializer and run on the store {@link StoreTest} opens.
 */
class AxonMongoPeerTest extends StoreTest {

    record AmountRecorded(String accountId, BigDecimal amount, String currency) {
    }

    /** axon-mongo's default look-back time (AbstractMongoEventStorageStrategy). */
    private static final Duration AXON_MONGO_LOOK_BACK = Duration.ofSeconds(1);
    /** How long before its insert the late event was timestamped: more than the look-back time. */
    private static final Duration LATE_BY = Duration.ofSeconds(2);
    /** How far writer B's clock is behind writer A's. */
    private static final Duration SKEW = Duration.ofSeconds(5);
    private static final int ON_TIME_COMMITS = 50;

    private static final JacksonSerializer SERIALIZER = LedgerSerializers.jackson();

    private String collection;

    @BeforeEach
    void newCollection() {
        collection = freshCollection("peer_events_");
    }

    // ------------------------------------------------------------------------------------------------ late commit

    @Nested
    @DisplayName("A commit that becomes visible more than the look-back time after its own timestamp")
    class LateCommit {

        @Test
        void axonMongoSkipsALateCommitForGood() {
            MongoEventStorageEngine writer = axonMongo();
            Reader reader = new Reader(axonMongo());
            Instant now = Instant.now();
            DomainEventMessage<?> late = eventAt("late", 0, now.minus(LATE_BY));

            List<String> onTime = appendOnTime(writer, reader, now, 0, ON_TIME_COMMITS);
            reader.poll();
            assertThat(reader.deliveredIds()).containsExactlyElementsOf(onTime);
            // precondition: the caught-up reader's token is past the late event's timestamp plus the look-back time
            Instant tokenTime = ((MongoTrackingToken) reader.token).getTimestamp();
            assertThat(tokenTime).isAfter(late.getTimestamp().plus(AXON_MONGO_LOOK_BACK));

            writer.appendEvents(late);
            reader.poll();
            onTime.addAll(appendOnTime(writer, reader, now, ON_TIME_COMMITS, 10));
            reader.poll();
            reader.poll();

            assertThat(reader.deliveredIds())
                    .as("the caught-up reader delivers every on-time event and never the late one")
                    .containsExactlyElementsOf(onTime)
                    .doesNotContain(late.getIdentifier());
            // It is not lost from the store: event sourcing sees it, and a reader starting from the tail delivers it.
            assertThat(writer.readEvents("late").asStream().map(EventMessage::getIdentifier))
                    .containsExactly(late.getIdentifier());
            Reader fromTail = new Reader(axonMongo());
            fromTail.poll();
            assertThat(fromTail.deliveredIds()).contains(late.getIdentifier()).hasSize(onTime.size() + 1);
        }

        @Test
        void gapAwareEngineDeliversALateCommitExactlyOnce() throws Exception {
            CountDownLatch allocated = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean pauseNext = new AtomicBoolean(true);
            GapAwareMongoEventStorageEngine slowWriter = ours().commitHook((first, last) -> {
                if (pauseNext.getAndSet(false)) {
                    allocated.countDown();
                    await(release);
                }
            }).build();
            GapAwareMongoEventStorageEngine writer = ours().build();
            Reader reader = new Reader(ours().build());
            Instant now = Instant.now();
            DomainEventMessage<?> late = eventAt("late", 0, now.minus(LATE_BY));

            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                Future<?> lateCommit = background.submit(() -> slowWriter.appendEvents(late));
                assertThat(allocated.await(10, TimeUnit.SECONDS)).as("the slow writer took its position").isTrue();

                List<String> onTime = appendOnTime(writer, reader, now, 0, ON_TIME_COMMITS);
                reader.poll();
                assertThat(reader.deliveredIds()).containsExactlyElementsOf(onTime);
                assertThat(((GapAwareTrackingToken) reader.token).getGaps())
                        .as("the slow writer's position is carried as a gap").containsExactly(1L);

                release.countDown();
                lateCommit.get(10, TimeUnit.SECONDS);

                List<TrackedEventMessage<?>> afterLateCommit = reader.poll();
                assertThat(afterLateCommit).extracting(EventMessage::getIdentifier)
                                           .containsExactly(late.getIdentifier());
                assertThat(((GapAwareTrackingToken) reader.token).getGaps()).isEmpty();

                onTime.addAll(appendOnTime(writer, reader, now, ON_TIME_COMMITS, 10));
                reader.poll();
                assertThat(reader.poll()).isEmpty();

                assertThat(reader.deliveredIds())
                        .as("every on-time event and the late one, each once")
                        .hasSize(onTime.size() + 1)
                        .doesNotHaveDuplicates()
                        .containsAll(onTime)
                        .containsOnlyOnce(late.getIdentifier());
            } finally {
                release.countDown();
                background.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ skewed clocks

    @Nested
    @DisplayName("Two writers whose clocks disagree, writer B 5 s behind writer A")
    class SkewedClocks {

        private static final int COMMITS_PER_WRITER = 10;

        @Test
        void axonMongoMissesTheEventsOfTheWriterWhoseClockIsBehind() {
            MongoEventStorageEngine writerA = axonMongo();
            MongoEventStorageEngine writerB = axonMongo();
            Reader reader = new Reader(axonMongo());

            Interleaved appended = appendInterleaved(writerA, writerB, reader);

            // B's first event is delivered: it came before the reader saw anything of A. Every later event of B is
            // older than A's events the reader has passed (by more than the look-back time), so it is skipped.
            List<String> expected = new ArrayList<>();
            expected.add(appended.fromB.get(0));
            expected.addAll(appended.fromA);
            assertThat(reader.deliveredIds())
                    .as("B's first event, then all of A's events, and no other event of B")
                    .containsExactlyElementsOf(expected);
            assertThat(reader.deliveredIds())
                    .as("B's events appended after the reader passed their timestamps are skipped for good")
                    .doesNotContainAnyElementsOf(appended.fromB.subList(1, COMMITS_PER_WRITER));
            // all of them are stored
            assertThat(writerB.readEvents("writer-b").asStream().count()).isEqualTo(COMMITS_PER_WRITER);
        }

        @Test
        void gapAwareEngineDeliversEveryEventOfSkewedWritersExactlyOnce() {
            Instant now = Instant.now();
            GapAwareMongoEventStorageEngine writerA = ours().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
            GapAwareMongoEventStorageEngine writerB =
                    ours().clock(Clock.fixed(now.minus(SKEW), ZoneOffset.UTC)).build();
            Reader reader = new Reader(ours().build());

            Interleaved appended = appendInterleaved(writerA, writerB, reader);

            assertThat(reader.deliveredIds())
                    .as("every event of both writers, once, in commit order")
                    .containsExactlyElementsOf(appended.inOrder)
                    .hasSize(2 * COMMITS_PER_WRITER);
        }

        private record Interleaved(List<String> fromA, List<String> fromB, List<String> inOrder) {
        }

        /** B0, A0, B1, A1, ...; the reader polls after every append. A's clock reads now, B's reads now - 5 s. */
        private Interleaved appendInterleaved(EventStorageEngine writerA, EventStorageEngine writerB, Reader reader) {
            Instant now = Instant.now();
            Interleaved appended = new Interleaved(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < COMMITS_PER_WRITER; i++) {
                Instant wallClock = now.plusMillis(100L * i);
                DomainEventMessage<?> fromB = eventAt("writer-b", i, wallClock.minus(SKEW));
                writerB.appendEvents(fromB);
                reader.poll();
                DomainEventMessage<?> fromA = eventAt("writer-a", i, wallClock.plusMillis(50));
                writerA.appendEvents(fromA);
                reader.poll();
                appended.fromB.add(fromB.getIdentifier());
                appended.fromA.add(fromA.getIdentifier());
                appended.inOrder.add(fromB.getIdentifier());
                appended.inOrder.add(fromA.getIdentifier());
            }
            reader.poll();
            assertThat(reader.poll()).as("the reader has caught up").isEmpty();
            return appended;
        }
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    private MongoEventStorageEngine axonMongo() {
        DefaultMongoTemplate template = DefaultMongoTemplate.builder()
                                                            .mongoDatabase(stores.database())
                                                            .domainEventsCollectionName(collection)
                                                            .snapshotEventsCollectionName(collection + "_snapshots")
                                                            .build();
        return MongoEventStorageEngine.builder()
                                      .mongoTemplate(template)
                                      .eventSerializer(SERIALIZER)
                                      .snapshotSerializer(SERIALIZER)
                                      .build();
    }

    private GapAwareMongoEventStorageEngine.Builder ours() {
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(stores.database())
                                              .eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(SERIALIZER)
                                              .snapshotSerializer(SERIALIZER)
                                              // pending positions never age: no gap is sealed during a test
                                              .nanoClock(() -> 0L);
    }

    /** One-event commits of fresh aggregates, 1 ms apart from {@code start}; the reader polls every 10 commits. */
    private static List<String> appendOnTime(EventStorageEngine writer, Reader reader, Instant start, int from,
                                             int count) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            DomainEventMessage<?> event = eventAt("on-time-" + i, 0, start.plusMillis(i));
            writer.appendEvents(event);
            ids.add(event.getIdentifier());
            if (i % 10 == 0) {
                reader.poll();
            }
        }
        return ids;
    }

    private static DomainEventMessage<?> eventAt(String aggregateId, long seq, Instant timestamp) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, new BigDecimal("12.30"), "EUR"),
                                               MetaData.emptyInstance(), UUID.randomUUID().toString(), timestamp);
    }

    /** A tracking reader that keeps its token between polls, like a processor. */
    private static final class Reader {
        private final EventStorageEngine engine;
        private TrackingToken token;
        private final List<TrackedEventMessage<?>> delivered = new ArrayList<>();

        Reader(EventStorageEngine engine) {
            this.engine = engine;
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
