package io.consentledger.eventstore;

import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.SlowWriter;
import io.consentledger.eventstore.testing.TestStores;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class EventLogTest {

    record Opened(String id) {
    }

    record Closed(String id) {
    }

    private TestStores stores;
    private GapAwareMongoEventStorageEngine engine;
    private EventLog log;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        engine = builder().build();
        log = new EventLog(stores.database());
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private GapAwareMongoEventStorageEngine.Builder builder() {
        return GapAwareMongoEventStorageEngine.builder().database(stores.database())
                                              .eventSerializer(LedgerSerializers.jackson())
                                              .snapshotSerializer(LedgerSerializers.jackson());
    }

    @Test
    void pagesThroughTheLogInGlobalOrderWithCursors() {
        for (int i = 0; i < 7; i++) {
            engine.appendEvents(new GenericDomainEventMessage<>("Thing", "t-" + i, 0, new Opened("t-" + i)));
        }
        EventLog.Page first = log.read(EventLog.Filter.none(), 0, 3, 10_000);
        EventLog.Page second = log.read(EventLog.Filter.none(), first.cursor(), 3, 10_000);
        EventLog.Page third = log.read(EventLog.Filter.none(), second.cursor(), 3, 10_000);

        assertThat(first.events()).extracting(EventLog.StoredEvent::position).containsExactly(1L, 2L, 3L);
        assertThat(second.events()).extracting(EventLog.StoredEvent::position).containsExactly(4L, 5L, 6L);
        assertThat(third.events()).extracting(EventLog.StoredEvent::position).containsExactly(7L);
        assertThat(third.complete()).isTrue();
        assertThat(first.events().get(0).payload()).containsEntry("id", "t-0");
        assertThat(first.events().get(0).payloadType()).endsWith("Opened");
    }

    /** Where events stand in the log, by aggregate and sequence, or by id for an event without an aggregate. */
    @Test
    void findsThePositionsOfEvents() {
        GenericDomainEventMessage<?> a0 = new GenericDomainEventMessage<>("Thing", "a", 0, new Opened("a"));
        GenericDomainEventMessage<?> a1 = new GenericDomainEventMessage<>("Thing", "a", 1, new Closed("a"));
        GenericDomainEventMessage<?> b0 = new GenericDomainEventMessage<>("Thing", "b", 0, new Opened("b"));
        org.axonframework.eventhandling.GenericEventMessage<?> plain =
                new org.axonframework.eventhandling.GenericEventMessage<>(new Opened("plain"));
        engine.appendEvents(a0, a1);
        engine.appendEvents(plain);
        engine.appendEvents(b0);

        java.util.Map<String, Long> positions = log.positionsOf(java.util.List.of(
                new EventLog.EventKey(b0.getIdentifier(), "b", 0L), new EventLog.EventKey(a1.getIdentifier(), "a", 1L),
                new EventLog.EventKey(plain.getIdentifier(), null, null),
                new EventLog.EventKey("not-stored", "c", 0L)));

        assertThat(positions).containsOnly(java.util.Map.entry(a1.getIdentifier(), 2L),
                                           java.util.Map.entry(plain.getIdentifier(), 3L),
                                           java.util.Map.entry(b0.getIdentifier(), 4L));
    }

    /** A commit written before commits listed their event ids: the position is found through its events. */
    @Test
    void findsThePositionsOfEventsInACommitWithoutEventIds() {
        GenericDomainEventMessage<?> a0 = new GenericDomainEventMessage<>("Thing", "a", 0, new Opened("a"));
        GenericDomainEventMessage<?> a1 = new GenericDomainEventMessage<>("Thing", "a", 1, new Closed("a"));
        engine.appendEvents(a0, a1);
        stores.database().getCollection("events").updateMany(new org.bson.Document(),
                com.mongodb.client.model.Updates.unset(CommitSchema.EVENT_IDS));
        assertThat(stores.database().getCollection("events").find().first()).doesNotContainKey(CommitSchema.EVENT_IDS);

        assertThat(log.positionsOf(java.util.List.of(new EventLog.EventKey(a1.getIdentifier(), "a", 1L))))
                .containsOnly(java.util.Map.entry(a1.getIdentifier(), 2L));
    }

    /** Several commits without event ids, and one with them, in one look-up: each event at its own position. */
    @Test
    void findsThePositionsOfEventsInSeveralCommitsWithoutEventIds() {
        GenericDomainEventMessage<?> a0 = new GenericDomainEventMessage<>("Thing", "a", 0, new Opened("a"));
        GenericDomainEventMessage<?> b0 = new GenericDomainEventMessage<>("Thing", "b", 0, new Opened("b"));
        engine.appendEvents(a0);
        engine.appendEvents(b0);
        stores.database().getCollection("events").updateMany(new org.bson.Document(),
                com.mongodb.client.model.Updates.unset(CommitSchema.EVENT_IDS));
        GenericDomainEventMessage<?> c0 = new GenericDomainEventMessage<>("Thing", "c", 0, new Opened("c"));
        engine.appendEvents(c0);

        assertThat(log.positionsOf(java.util.List.of(new EventLog.EventKey(a0.getIdentifier(), "a", 0L),
                                                     new EventLog.EventKey(b0.getIdentifier(), "b", 0L),
                                                     new EventLog.EventKey(c0.getIdentifier(), "c", 0L))))
                .containsOnly(java.util.Map.entry(a0.getIdentifier(), 1L), java.util.Map.entry(b0.getIdentifier(), 2L),
                              java.util.Map.entry(c0.getIdentifier(), 3L));
    }

    @Test
    void filtersByTypeTimeAndAggregate() {
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "a", 0, new Opened("a")),
                            new GenericDomainEventMessage<>("Thing", "a", 1, new Closed("a")));
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "b", 0, new Opened("b")));

        assertThat(log.read(new EventLog.Filter(null, Set.of("Closed"), null, null), 0, 10, 1000).events())
                .extracting(EventLog.StoredEvent::aggregateId).containsExactly("a");
        assertThat(log.read(new EventLog.Filter("a", Set.of(), null, null), -1, 10, 1000).events())
                .extracting(EventLog.StoredEvent::sequenceNumber).containsExactly(0L, 1L);
        assertThat(log.read(new EventLog.Filter(null, Set.of(), Instant.now().plusSeconds(60), null), 0, 10, 1000).events())
                .isEmpty();
    }

    @Test
    void neverMovesItsCursorPastACommitStillInFlight() throws Exception {
        SlowWriter slowWriter = new SlowWriter();
        GapAwareMongoEventStorageEngine slow = builder().commitHook(slowWriter.hook()).build();
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "before", 0, new Opened("before")));
        slowWriter.beginAppend(slow, new GenericDomainEventMessage<>("Thing", "late", 0, new Opened("late")));
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "after", 0, new Opened("after")));

        EventLog.Page page = log.read(EventLog.Filter.none(), 0, 100, 10_000);
        assertThat(page.events()).extracting(EventLog.StoredEvent::aggregateId).containsExactly("before");
        assertThat(page.cursor()).isEqualTo(1);
        assertThat(page.complete()).isFalse();

        slowWriter.finish();
        EventLog.Page next = log.read(EventLog.Filter.none(), page.cursor(), 100, 10_000);
        assertThat(next.events()).extracting(EventLog.StoredEvent::aggregateId).containsExactly("late", "after");
    }

    @Test
    void readsPositionsAsStoredCommittedSealedOrUnknown() throws Exception {
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "a", 0, new Opened("a")),
                            new GenericDomainEventMessage<>("Thing", "a", 1, new Closed("a")));
        SlowWriter slowWriter = new SlowWriter();
        GapAwareMongoEventStorageEngine slow = builder().commitHook(slowWriter.hook()).build();
        slowWriter.beginAppend(slow, new GenericDomainEventMessage<>("Thing", "late", 0, new Opened("late")));
        engine.appendEvents(new GenericDomainEventMessage<>("Thing", "b", 0, new Opened("b")));
        stores.database().getCollection("events").insertOne(CommitSchema.tombstone(5, Instant.now()));

        java.util.List<EventLog.RawPosition> positions = log.readPositions(0, 7);

        assertThat(positions).extracting(EventLog.RawPosition::position).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(positions.get(0)).isInstanceOf(EventLog.UnknownPosition.class);
        EventLog.RawEvent first = (EventLog.RawEvent) positions.get(1);
        assertThat(first.aggregateId()).isEqualTo("a");
        assertThat(first.sequenceNumber()).isZero();
        assertThat(first.payloadType()).endsWith("Opened");
        assertThat(first.payload()).isEqualTo("{\"id\": \"a\"}");
        assertThat(first.timestamp()).isEqualTo(Instant.parse(first.timestamp()).toString());
        assertThat(((EventLog.RawEvent) positions.get(2)).payloadType()).endsWith("Closed");
        assertThat(positions.get(3)).as("in flight").isInstanceOf(EventLog.UnknownPosition.class);
        assertThat(((EventLog.RawEvent) positions.get(4)).aggregateId()).isEqualTo("b");
        assertThat(positions.get(5)).isInstanceOf(EventLog.SealedPosition.class);
        assertThat(positions.get(6)).as("beyond the head").isInstanceOf(EventLog.UnknownPosition.class);

        slowWriter.finish();
        assertThat(log.readPositions(3, 4).get(0)).isInstanceOf(EventLog.RawEvent.class);
        assertThat(log.readPositions(2, 2)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.readPositions(0, EventLog.MAX_POSITIONS_PER_READ + 1))
                                       .isInstanceOf(IllegalArgumentException.class);
    }
}
