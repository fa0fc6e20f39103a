package io.consentledger.eventstore;

import com.thoughtworks.xstream.XStream;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.xml.XStreamSerializer;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger's own contract tests for the parts of Axon 4.13's {@code EventStorageEngine} contract that the engine's
 * storage model does not give for free (issue 13): duplicates inside one commit, unique event identifiers, and
 * {@code createTokenAt} on event timestamps. Each runs with Axon's XStream serializer and with the ledger's Jackson
 * serializer, on the embedded store or on the MongoDB named by {@code CONSENT_LEDGER_TEST_MONGODB_URI}.
 */
class EventStorageEngineAxonContractTest extends StoreTest {

    record AmountRecorded(String accountId, BigDecimal amount, String currency) {
    }

    static Stream<Serializer> serializers() {
        XStream xStream = new XStream();
        xStream.allowTypesByWildcard(new String[]{"io.consentledger.**"});
        return Stream.of(XStreamSerializer.builder().xStream(xStream).build(), LedgerSerializers.jackson());
    }

    private String collection;

    private GapAwareMongoEventStorageEngine.Builder builder(Serializer serializer) {
        collection = freshCollection("contract_");
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(stores.database())
                                              .eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(serializer)
                                              .snapshotSerializer(serializer);
    }

    private GapAwareMongoEventStorageEngine engine(Serializer serializer) {
        return builder(serializer).build();
    }

    private static GenericDomainEventMessage<?> event(String aggregateId, long seq) {
        return eventWithId(aggregateId, seq, UUID.randomUUID().toString());
    }

    private static GenericDomainEventMessage<?> eventWithId(String aggregateId, long seq, String eventId) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, new BigDecimal("12.30"), "EUR"),
                                               MetaData.emptyInstance(), eventId, Instant.now());
    }

    private static GenericDomainEventMessage<?> eventAt(String aggregateId, long seq, Instant timestamp) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, BigDecimal.ONE, "EUR"),
                                               MetaData.emptyInstance(), aggregateId + "/" + seq, timestamp);
    }

    private static List<Long> sequence(GapAwareMongoEventStorageEngine engine, String aggregateId) {
        return engine.readEvents(aggregateId).asStream().map(e -> e.getSequenceNumber()).toList();
    }

    private long storedCommits() {
        return stores.database().getCollection(collection).countDocuments(new Document("events", new Document("$exists", true)));
    }

    /** Everything a processor starting at {@code token} receives, reading until the stream is exhausted. */
    private static List<String> readAllFrom(GapAwareMongoEventStorageEngine engine, TrackingToken token) {
        List<String> ids = new ArrayList<>();
        TrackingToken current = token;
        for (int polls = 0; polls < 100; polls++) {
            List<? extends TrackedEventMessage<?>> batch = engine.readEvents(current, false).collect(Collectors.toList());
            if (batch.isEmpty()) {
                return ids;
            }
            batch.forEach(e -> ids.add(e.getIdentifier()));
            current = batch.get(batch.size() - 1).trackingToken();
        }
        throw new AssertionError("the stream never ran dry");
    }

    // ------------------------------------------------------------------------------------ duplicates inside one commit

    @ParameterizedTest
    @MethodSource("serializers")
    void aSequenceNumberTwiceInOneCommitIsAConcurrencyExceptionAndStoresNothing(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        engine.appendEvents(event("a", 0));

        assertThatThrownBy(() -> engine.appendEvents(event("a", 1), event("a", 1)))
                .isInstanceOf(ConcurrencyException.class);

        assertThat(sequence(engine, "a")).containsExactly(0L);
        assertThat(storedCommits()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void sequenceZeroTwiceInOneCommitIsAnAggregateStreamCreationException(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);

        assertThatThrownBy(() -> engine.appendEvents(event("a", 0), event("a", 1), event("a", 0)))
                .isInstanceOf(AggregateStreamCreationException.class);

        assertThat(sequence(engine, "a")).isEmpty();
        assertThat(storedCommits()).isZero();
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void anInCommitDuplicateGoesThroughTheConfiguredPersistenceExceptionResolver(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = builder(serializer).persistenceExceptionResolver(e -> false).build();

        assertThatThrownBy(() -> engine.appendEvents(event("a", 0), event("a", 1), event("a", 1)))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(ConcurrencyException.class);

        assertThat(sequence(engine, "a")).isEmpty();
        assertThat(storedCommits()).isZero();
    }

    // ------------------------------------------------------------------------------------ unique event identifiers

    @ParameterizedTest
    @MethodSource("serializers")
    void anEventIdentifierStoredInAnEarlierCommitIsRefused(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        engine.appendEvents(eventWithId("a", 0, "event-1"));

        assertThatThrownBy(() -> engine.appendEvents(eventWithId("a", 1, "event-1")))
                .isInstanceOf(ConcurrencyException.class);
        assertThatThrownBy(() -> engine.appendEvents(event("b", 0), eventWithId("b", 1, "event-1")))
                .isInstanceOf(ConcurrencyException.class);
        assertThatThrownBy(() -> engine.appendEvents(eventWithId("c", 0, "event-1")))
                .isInstanceOf(AggregateStreamCreationException.class);

        assertThat(sequence(engine, "a")).containsExactly(0L);
        assertThat(sequence(engine, "b")).isEmpty();
        assertThat(sequence(engine, "c")).isEmpty();
        assertThat(readAllFrom(engine, null)).containsExactly("event-1");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void anEventIdentifierTwiceInOneCommitIsRefused(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);

        assertThatThrownBy(() -> engine.appendEvents(eventWithId("a", 0, "event-1"), eventWithId("a", 1, "event-1")))
                .isInstanceOf(ConcurrencyException.class);
        assertThatThrownBy(() -> engine.appendEvents(eventWithId("a", 0, "event-2"), eventWithId("b", 0, "event-2")))
                .isInstanceOf(AggregateStreamCreationException.class);

        assertThat(sequence(engine, "a")).isEmpty();
        assertThat(sequence(engine, "b")).isEmpty();
        assertThat(storedCommits()).isZero();
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void theSameMessageAppendedTwiceIsStoredAndDeliveredOnce(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        EventMessage<?> plain = GenericEventMessage.asEventMessage(new AmountRecorded("x", BigDecimal.TEN, "EUR"));
        engine.appendEvents(plain);

        assertThatThrownBy(() -> engine.appendEvents(plain)).isInstanceOf(ConcurrencyException.class);

        assertThat(readAllFrom(engine, null)).containsExactly(plain.getIdentifier());
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void anEventIdentifierDuplicateGoesThroughTheConfiguredPersistenceExceptionResolver(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = builder(serializer).persistenceExceptionResolver(e -> false).build();
        engine.appendEvents(eventWithId("a", 0, "event-1"));

        assertThatThrownBy(() -> engine.appendEvents(eventWithId("b", 0, "event-1")))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(ConcurrencyException.class);
        assertThat(sequence(engine, "b")).isEmpty();
    }

    /**
     * The uniqueness of sequence keys and event identifiers is checked by the commit's own insert (unique indexes)
     * and, inside a commit, in memory: an append still costs two round trips, the position counter's
     * {@code findAndModify} and the {@code insert}.
     */
    @ParameterizedTest
    @MethodSource("serializers")
    void theUniquenessChecksCostNoExtraRoundTrip(Serializer serializer) {
        List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                commands.add(event.getCommandName());
            }
        };
        try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(
                com.mongodb.MongoClientSettings.builder()
                                               .applyConnectionString(new com.mongodb.ConnectionString(stores.connectionString()))
                                               .addCommandListener(listener)
                                               .build())) {
            collection = freshCollection("contract_");
            GapAwareMongoEventStorageEngine engine =
                    GapAwareMongoEventStorageEngine.builder()
                                                   .database(client.getDatabase(stores.databaseName()))
                                                   .eventsCollection(collection)
                                                   .eventSerializer(serializer)
                                                   .snapshotSerializer(serializer)
                                                   .build();
            engine.appendEvents(event("warm-up", 0));
            commands.clear();
            int commits = 50;
            for (int i = 0; i < commits; i++) {
                engine.appendEvents(event("a" + i, 0), event("a" + i, 1));
            }
            assertThat(commands).hasSize(2 * commits)
                                .containsOnly("findAndModify", "insert");
        }
    }

    // ------------------------------------------------------------------------------------ createTokenAt

    @ParameterizedTest
    @MethodSource("serializers")
    void aTokenAtAnInstantReadsExactlyTheEventsStampedAtOrAfterIt(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        Instant t = Instant.parse("2026-06-01T12:00:00.000000500Z");
        engine.appendEvents(eventAt("a", 0, t.minusSeconds(3)), eventAt("a", 1, t.plusSeconds(5))); // a clock ahead
        engine.appendEvents(eventAt("b", 0, t.minusSeconds(1)), eventAt("b", 1, t.plusSeconds(1))); // straddles t
        engine.appendEvents(eventAt("c", 0, t.plusSeconds(2)));
        engine.appendEvents(eventAt("d", 0, t.minusMillis(500)), eventAt("d", 1, t));        // out of order; exactly t
        engine.appendEvents(eventAt("e", 0, t.plusSeconds(3)), eventAt("e", 1, t.minusSeconds(10)));
        engine.appendEvents(eventAt("f", 0, t.minusNanos(1)), eventAt("f", 1, t.plusNanos(1))); // same millisecond

        assertThat(readAllFrom(engine, engine.createTokenAt(t)))
                .containsExactlyInAnyOrder("a/1", "b/1", "c/0", "d/1", "e/0", "f/1");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void aTokenAtAnInstantBeforeEverythingReadsEverythingAndAfterEverythingReadsNothing(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        Instant t = Instant.parse("2026-06-01T12:00:00Z");
        engine.appendEvents(eventAt("a", 0, t), eventAt("a", 1, t.plusSeconds(1)));
        engine.appendEvents(eventAt("b", 0, t.plusSeconds(2)));

        assertThat(readAllFrom(engine, engine.createTokenAt(t))).containsExactly("a/0", "a/1", "b/0");
        assertThat(readAllFrom(engine, engine.createTokenAt(t.minusSeconds(3600)))).containsExactly("a/0", "a/1", "b/0");
        assertThat(readAllFrom(engine, engine.createTokenAt(t.plusSeconds(3)))).isEmpty();

        TrackingToken madeBefore = engine.createTokenAt(t.plusSeconds(3));
        engine.appendEvents(eventAt("c", 0, t.minusSeconds(60))); // stamped before the instant
        // Stored when the token is made: excluded by its timestamp.
        assertThat(readAllFrom(engine, engine.createTokenAt(t.plusSeconds(3)))).isEmpty();
        // Appended after the token was made: the token is a position, and never skips what comes after it.
        assertThat(readAllFrom(engine, madeBefore)).containsExactly("c/0");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void aCommitInFlightWhenTheTokenIsMadeIsDeliveredWhateverItsTimestamp(Serializer serializer) throws Exception {
        java.util.concurrent.CountDownLatch allocated = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean pause = new java.util.concurrent.atomic.AtomicBoolean(true);
        GapAwareMongoEventStorageEngine engine = builder(serializer).commitHook((first, last) -> {
            if (pause.getAndSet(false)) {
                allocated.countDown();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).build();
        Instant t = Instant.parse("2026-06-01T12:00:00Z");
        Thread slow = new Thread(() -> engine.appendEvents(eventAt("slow", 0, t.minusSeconds(5))));
        slow.start();
        assertThat(allocated.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        engine.appendEvents(eventAt("a", 0, t.minusSeconds(1)), eventAt("a", 1, t.plusSeconds(1)));

        TrackingToken token = engine.createTokenAt(t);
        release.countDown();
        slow.join();

        assertThat(readAllFrom(engine, token)).containsExactlyInAnyOrder("a/1", "slow/0");
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void aTokenAtAnInstantFollowsEventTimestampsNotTheCommitTime(Serializer serializer) {
        GapAwareMongoEventStorageEngine engine = engine(serializer);
        Instant past = Instant.parse("2020-01-01T00:00:00Z");
        engine.appendEvents(eventAt("old", 0, past)); // committed now, stamped in 2020
        engine.appendEvents(eventAt("new", 0, past.plusSeconds(1)));

        assertThat(readAllFrom(engine, engine.createTokenAt(past.plusMillis(500)))).containsExactly("new/0");
    }
}
