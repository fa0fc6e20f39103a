package io.consentledger.eventstore.benchmark;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.bson.Document;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A focused measurement of what unique event identifiers cost an append (issue 13): the same commit-shaped documents
 * inserted with the two unique indexes the store had before ({@code positions}, {@code seqKeys}) and with the third
 * ({@code eventIds}), in alternating rounds in one JVM so that a busy machine affects both alike; and the engine's
 * own append (which does both checks) for reference. Not a test:
 * <pre>
 * ./mvnw -o -pl shared-kernel/event-store -am test-compile
 * java -cp shared-kernel/event-store/target/test-classes:shared-kernel/event-store/target/classes:$(cat cp.txt) \
 *      io.consentledger.eventstore.benchmark.UniquenessCostMeasurement [rounds] [insertsPerRound]
 * </pre>
 * Runs on the embedded store, or on the MongoDB named by {@code CONSENT_LEDGER_TEST_MONGODB_URI}.
 */
public final class UniquenessCostMeasurement {

    record AmountRecorded(String accountId, BigDecimal amount, String currency) {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        try (TestStores stores = TestStores.open()) {
            MongoDatabase db = stores.database();
            List<Double> two = new ArrayList<>();
            List<Double> three = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
                double a = rawInserts(db, "two_" + round, false, perRound);
                double b = rawInserts(db, "three_" + round, true, perRound);
                double c = engineAppends(db, "engine_" + round, perRound);
                System.out.printf(Locale.ROOT, "round %d: 2 unique indexes %.1f µs/insert, 3 unique indexes %.1f µs/insert, "
                        + "engine append %.1f µs/commit%n", round, a, b, c);
                if (round > 0) {
                    two.add(a);
                    three.add(b);
                    engine.add(c);
                }
            }
            System.out.printf(Locale.ROOT, "%nstore: %s, %d rounds of %d%n", stores.isEmbedded() ? "embedded (in memory)"
                    : "MongoDB", rounds, perRound);
            System.out.printf(Locale.ROOT, "median: 2 unique indexes %.1f µs/insert, 3 unique indexes %.1f µs/insert "
                    + "(%+.1f µs, %+.0f%%), engine append %.1f µs/commit%n", median(two), median(three),
                    median(three) - median(two), 100 * (median(three) / median(two) - 1), median(engine));
        }
    }

    private static double rawInserts(MongoDatabase db, String name, boolean eventIds, int count) {
        MongoCollection<Document> collection = db.getCollection(name).withWriteConcern(WriteConcern.MAJORITY.withJournal(true));
        collection.createIndex(Indexes.ascending("positions"), new IndexOptions().unique(true));
        collection.createIndex(Indexes.ascending("seqKeys"), new IndexOptions().unique(true).sparse(true));
        if (eventIds) {
            collection.createIndex(Indexes.ascending("eventIds"), new IndexOptions().unique(true).sparse(true));
        }
        long start = System.nanoTime();
        for (long position = 1; position <= count; position++) {
            collection.insertOne(commitDocument(position, eventIds));
        }
        double micros = (System.nanoTime() - start) / 1e3 / count;
        collection.drop();
        return micros;
    }

    private static double engineAppends(MongoDatabase db, String name, int count) {
        GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder()
                                                                                .database(db)
                                                                                .eventsCollection(name)
                                                                                .snapshotsCollection(name + "_snapshots")
                                                                                .eventSerializer(LedgerSerializers.jackson())
                                                                                .snapshotSerializer(LedgerSerializers.jackson())
                                                                                .build();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String id = "agg-" + i;
            engine.appendEvents(new GenericDomainEventMessage<>("Account", id, 0,
                                                                new AmountRecorded(id, new BigDecimal("12.30"), "EUR")));
        }
        double micros = (System.nanoTime() - start) / 1e3 / count;
        db.getCollection(name).drop();
        db.getCollection(name + "_positions").drop();
        return micros;
    }

    private static Document commitDocument(long position, boolean withEventIds) {
        String aggregateId = "raw-" + position;
        String eventId = UUID.randomUUID().toString();
        Document payload = new Document("accountId", aggregateId).append("amount", "12.30").append("currency", "EUR");
        Document event = new Document("eventId", eventId)
                .append("aggregateType", "Account")
                .append("aggregateId", aggregateId)
                .append("sequenceNumber", 0L)
                .append("timestamp", Instant.now().toString())
                .append("payloadType", AmountRecorded.class.getName())
                .append("payloadRevision", null)
                .append("payload", payload)
                .append("metaData", new Document());
        Document commit = new Document("_id", position)
                .append("positions", List.of(position))
                .append("seqKeys", List.of(aggregateId + "/0"));
        if (withEventIds) {
            commit.append("eventIds", List.of(eventId));
        }
        return commit.append("committedAt", new Date()).append("events", List.of(event));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
