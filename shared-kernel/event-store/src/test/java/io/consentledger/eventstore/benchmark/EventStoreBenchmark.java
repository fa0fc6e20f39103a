package io.consentledger.eventstore.benchmark;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Throughput of the gap-aware engine against the physical limit of the store (raw driver inserts) and against its
 * peer, axon-mongo's {@link MongoEventStorageEngine}, all in one run on one store.
 * <p>
 * Not a test. Run it with {@code ./mvnw -pl shared-kernel/event-store -am -Pbenchmark verify -DskipTests}. The store is
 * the one {@link TestStores} opens: the embedded in-memory server, or the MongoDB named by
 * {@code CONSENT_LEDGER_TEST_MONGODB_URI}. Scale it down with system properties (for a smoke test, e.g.
 * {@code -Dbench.large=20000 -Dbench.axonLarge=5000 -Dbench.seconds=2 -Dbench.warmup=1 -Dbench.axonCap=5}):
 * <ul>
 *     <li>{@code bench.seconds} (10): measured duration of each append phase;</li>
 *     <li>{@code bench.warmup} (3): warm-up duration before each append phase;</li>
 *     <li>{@code bench.small} (10,000) and {@code bench.large} (1,000,000): events stored for our catch-up reads;</li>
 *     <li>{@code bench.axonSmall} (10,000) and {@code bench.axonLarge} (100,000): events stored for axon-mongo's;</li>
 *     <li>{@code bench.axonCap} (60): seconds after which an axon-mongo catch-up read is stopped;</li>
 *     <li>{@code bench.readCap} (150): seconds after which one of our catch-up reads is stopped;</li>
 *     <li>{@code bench.fillWriters} (1) and {@code bench.fillCommitSize} (1): how our large store is filled;</li>
 *     <li>{@code bench.axonSpacingMs} (1): timestamp spacing of the events axon-mongo's store is filled with.</li>
 * </ul>
 */
public final class EventStoreBenchmark {

    record AmountRecorded(String accountId, BigDecimal amount, String currency) {
    }

    private static final JacksonSerializer SERIALIZER = LedgerSerializers.jackson();
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    private final int seconds = Integer.getInteger("bench.seconds", 10);
    private final int warmup = Integer.getInteger("bench.warmup", 3);
    private final int small = Integer.getInteger("bench.small", 10_000);
    private final int large = Integer.getInteger("bench.large", 1_000_000);
    private final int axonSmall = Integer.getInteger("bench.axonSmall", 10_000);
    private final int axonLarge = Integer.getInteger("bench.axonLarge", 100_000);
    private final int axonCap = Integer.getInteger("bench.axonCap", 60);
    private final int readCap = Integer.getInteger("bench.readCap", 150);
    private final int fillWriters = Integer.getInteger("bench.fillWriters", 1);
    private final int fillCommitSize = Integer.getInteger("bench.fillCommitSize", 1);
    private final int axonSpacingMs = Integer.getInteger("bench.axonSpacingMs", 1);

    /** Our commits that needed more than one attempt (their position was taken when they inserted). */
    private static final AtomicLong RETRIED_COMMITS = new AtomicLong();

    private final TestStores stores;
    private final List<String[]> results = new ArrayList<>();

    private EventStoreBenchmark(TestStores stores) {
        this.stores = stores;
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        // The engine logs a warning per retried commit; the benchmark counts them instead (see retriedCommits).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(GapAwareMongoEventStorageEngine.class))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        try (TestStores stores = TestStores.open()) {
            new EventStoreBenchmark(stores).run();
        }
        System.out.printf(Locale.ROOT, "%nTotal run time: %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private void run() throws Exception {
        printHeader();
        warmUpJvm();

        // ---------------------------------------------------------------------------------------- physical limit
        section("Raw driver inserts (physical limit): documents shaped like a 1-event commit, same unique indexes");
        double insertOne = rawInsertOne();
        double insertMany = rawInsertMany();

        // ---------------------------------------------------------------------------------------- appends
        section("Appends, 1-event commits, a new aggregate per commit (no conflicts)");
        double ours1 = oursAppend(1);
        System.out.println("  commits retried so far: " + RETRIED_COMMITS.get());
        double ours4 = oursAppend(4);
        System.out.println("  commits retried so far (4 writers share one position counter): " + RETRIED_COMMITS.get());
        double axonAppend = axonMongoAppend();

        // ---------------------------------------------------------------------------------------- catch-up reads
        section("Catch-up reads from the tail: readEvents(null, false), whole stream");
        MongoDatabase smallDb = database("bench_ours_small");
        GapAwareMongoEventStorageEngine oursSmall = ours(smallDb, 100);
        fillOurs(oursSmall, small, "ours, " + small + " events");
        System.out.println("  store after fill: " + storeCensus(smallDb));
        double oursSmall100 = catchUpRepeated("ours, " + small + " stored, batch 100", oursSmall, small);
        double oursSmall1000 = catchUpRepeated("ours, " + small + " stored, batch 1000", ours(smallDb, 1000), small);
        System.out.println("  store after reads: " + storeCensus(smallDb));
        smallDb.drop();

        double[] axonSmallRead = axonMongoCatchUp(axonSmall);
        double[] axonLargeRead = axonMongoCatchUp(axonLarge);

        MongoDatabase largeDb = database("bench_ours_large");
        GapAwareMongoEventStorageEngine oursLarge = ours(largeDb, 100);
        fillOurs(oursLarge, large, "ours, " + large + " events");
        System.out.println("  store after fill: " + storeCensus(largeDb));
        double oursLarge100 = catchUpOnce("ours, " + large + " stored, batch 100", oursLarge, large, readCap)[0];
        double oursLarge1000 =
                catchUpOnce("ours, " + large + " stored, batch 1000", ours(largeDb, 1000), large, readCap)[0];
        System.out.println("  store after reads: " + storeCensus(largeDb));
        largeDb.drop();

        // ---------------------------------------------------------------------------------------- report
        section("Results");
        for (String[] row : results) {
            System.out.printf(Locale.ROOT, "  %-62s %14s  %s%n", row[0], row[1], row[2]);
        }
        section("Targets");
        target("our 1-writer append rate >= 40% of raw insertOne", ours1, 0.40 * insertOne,
               String.format(Locale.ROOT, "%.0f vs %.0f = %.0f%% of %.0f", ours1, 0.40 * insertOne,
                             100 * ours1 / insertOne, insertOne));
        target("our catch-up rate at " + large + " >= 80% of the rate at " + small + " (batch 100)",
               oursLarge100, 0.80 * oursSmall100,
               String.format(Locale.ROOT, "%.0f vs %.0f = %.0f%%", oursLarge100, oursSmall100,
                             100 * oursLarge100 / oursSmall100));
        System.out.printf(Locale.ROOT, "  (batch 1000, for information: %.0f vs %.0f = %.0f%%)%n",
                          oursLarge1000, oursSmall1000, 100 * oursLarge1000 / oursSmall1000);
        System.out.printf(Locale.ROOT, "  (for information: insertMany %.0f/s, ours with 4 writers %.0f/s, "
                + "axon-mongo append %.0f/s, axon-mongo catch-up %.0f/s at %d and %.0f/s at %d)%n",
                          insertMany, ours4, axonAppend, axonSmallRead[0], axonSmall, axonLargeRead[0], axonLarge);
    }

    /** JIT warm-up of every code path, so that the first measured phase is not the coldest. Nothing recorded. */
    private void warmUpJvm() {
        section("JVM warm-up (not recorded)");
        MongoCollection<Document> raw = rawCollection("bench_warmup_raw");
        AtomicLong position = new AtomicLong();
        measure("warm-up: raw insertOne", 1, () -> {
            raw.insertOne(commitDocument(position.incrementAndGet()));
            return 1;
        });
        MongoDatabase db = database("bench_warmup_ours");
        GapAwareMongoEventStorageEngine engine = ours(db, 100);
        MongoEventStorageEngine axon = axonMongo(database("bench_warmup_axon"), 100);
        AtomicLong aggregates = new AtomicLong();
        measure("warm-up: ours and axon-mongo append, ours read", 1, () -> {
            long n = aggregates.incrementAndGet();
            engine.appendEvents(event("warm-" + n, 0, Instant.now()));
            axon.appendEvents(event("warm-" + n, 0, Instant.now()));
            if (n % 1000 == 0) {
                readAll(engine, Long.MAX_VALUE, Long.MAX_VALUE, null);
            }
            return 1;
        });
        database("bench_warmup_raw").drop();
        database("bench_warmup_ours").drop();
        database("bench_warmup_axon").drop();
    }

    // ------------------------------------------------------------------------------------------------ raw driver

    private MongoCollection<Document> rawCollection(String name) {
        MongoCollection<Document> collection = database(name).getCollection("events")
                                                             .withWriteConcern(WriteConcern.MAJORITY.withJournal(true));
        collection.createIndex(Indexes.ascending("positions"), new IndexOptions().unique(true).name("positions_unique"));
        collection.createIndex(Indexes.ascending("seqKeys"),
                               new IndexOptions().unique(true).sparse(true).name("aggregate_sequence_unique"));
        return collection;
    }

    private static Document commitDocument(long position) {
        String aggregateId = "raw-" + position;
        Document payload = new Document("accountId", aggregateId).append("amount", "12.30").append("currency", "EUR");
        Document event = new Document("eventId", UUID.randomUUID().toString())
                .append("aggregateType", "Account")
                .append("aggregateId", aggregateId)
                .append("sequenceNumber", 0L)
                .append("timestamp", Instant.now().toString())
                .append("payloadType", AmountRecorded.class.getName())
                .append("payloadRevision", null)
                .append("payload", payload)
                .append("metaData", new Document());
        return new Document("_id", position)
                .append("positions", List.of(position))
                .append("seqKeys", List.of(aggregateId + "/0"))
                .append("committedAt", new Date())
                .append("events", List.of(event));
    }

    private double rawInsertOne() {
        MongoCollection<Document> collection = rawCollection("bench_raw_one");
        AtomicLong position = new AtomicLong();
        double rate = measure("raw insertOne, 1 thread", 1, () -> {
            collection.insertOne(commitDocument(position.incrementAndGet()));
            return 1;
        });
        database("bench_raw_one").drop();
        record("raw driver insertOne (1 thread)", rate, "docs/s");
        return rate;
    }

    private double rawInsertMany() {
        MongoCollection<Document> collection = rawCollection("bench_raw_many");
        AtomicLong position = new AtomicLong();
        double rate = measure("raw insertMany, batches of 1,000, 1 thread", 1, () -> {
            List<Document> batch = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                batch.add(commitDocument(position.incrementAndGet()));
            }
            collection.insertMany(batch);
            return 1000;
        });
        database("bench_raw_many").drop();
        record("raw driver insertMany (batches of 1,000, 1 thread)", rate, "docs/s");
        return rate;
    }

    // ------------------------------------------------------------------------------------------------ appends

    private double oursAppend(int writers) {
        MongoDatabase db = database("bench_ours_append_" + writers);
        List<GapAwareMongoEventStorageEngine> engines = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            engines.add(ours(db, 100));
        }
        AtomicLong aggregates = new AtomicLong();
        ThreadLocal<GapAwareMongoEventStorageEngine> engine = ThreadLocal.withInitial(() -> {
            synchronized (engines) {
                return engines.remove(0);
            }
        });
        double rate = measure("ours, append 1-event commits, " + writers + " writer(s)", writers, () -> {
            engine.get().appendEvents(event("ours-" + aggregates.incrementAndGet(), 0, Instant.now()));
            return 1;
        });
        db.drop();
        record("ours: append, 1-event commits, " + writers + " writer(s)", rate, "events/s");
        return rate;
    }

    private double axonMongoAppend() {
        MongoDatabase db = database("bench_axon_append");
        MongoEventStorageEngine engine = axonMongo(db, 100);
        AtomicLong aggregates = new AtomicLong();
        double rate = measure("axon-mongo, append 1-event commits, 1 writer", 1, () -> {
            engine.appendEvents(event("axon-" + aggregates.incrementAndGet(), 0, Instant.now()));
            return 1;
        });
        db.drop();
        record("axon-mongo: append, 1-event commits, 1 writer", rate, "events/s");
        return rate;
    }

    // ------------------------------------------------------------------------------------------------ fills

    /** Appends {@code count} events through our engine: fillWriters threads, fillCommitSize events per commit. */
    private void fillOurs(GapAwareMongoEventStorageEngine engine, int count, String label) throws Exception {
        int commits = (count + fillCommitSize - 1) / fillCommitSize;
        System.out.printf(Locale.ROOT, "  filling %s through the engine: %d writer(s), %d event(s) per commit%n",
                          label, fillWriters, fillCommitSize);
        AtomicLong nextCommit = new AtomicLong();
        AtomicLong appended = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(fillWriters);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < fillWriters; w++) {
            futures.add(pool.submit(() -> {
                long commit;
                while ((commit = nextCommit.getAndIncrement()) < commits) {
                    int size = (int) Math.min(fillCommitSize, count - commit * fillCommitSize);
                    List<EventMessage<?>> events = new ArrayList<>(size);
                    for (int s = 0; s < size; s++) {
                        events.add(event("fill-" + commit, s, Instant.now()));
                    }
                    engine.appendEvents(events);
                    appended.addAndGet(size);
                }
                return null;
            }));
        }
        Progress progress = new Progress("fill " + label, count);
        while (!allDone(futures)) {
            Thread.sleep(200);
            progress.maybePrint(appended.get());
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  filled %d events in %.1f s (%.0f events/s)%n", count, elapsed,
                          count / elapsed);
        record("fill: " + label + " (" + fillWriters + " writers, " + fillCommitSize + " ev/commit)",
               count / elapsed, "events/s");
    }

    /** axon-mongo's store, filled with insertMany (1,000-event commits), timestamps axonSpacingMs apart. */
    private void fillAxonMongo(MongoEventStorageEngine engine, int count) {
        System.out.printf(Locale.ROOT, "  filling axon-mongo with %d events: 1,000-event commits (insertMany), "
                + "timestamps %d ms apart%n", count, axonSpacingMs);
        Instant base = Instant.now().minusMillis((long) count * axonSpacingMs);
        Progress progress = new Progress("fill axon-mongo", count);
        long start = System.nanoTime();
        for (int done = 0; done < count; ) {
            int size = Math.min(1000, count - done);
            List<EventMessage<?>> events = new ArrayList<>(size);
            for (int s = 0; s < size; s++) {
                int n = done + s;
                events.add(event("axon-fill-" + (n / 1000), n % 1000, base.plusMillis((long) n * axonSpacingMs)));
            }
            engine.appendEvents(events);
            done += size;
            progress.maybePrint(done);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  filled %d events in %.1f s%n", count, elapsed);
    }

    // ------------------------------------------------------------------------------------------------ catch-up

    /** Warm-up read, then whole-stream reads repeated for at least {@code seconds}. */
    private double catchUpRepeated(String label, EventStorageEngine engine, int stored) {
        System.out.printf(Locale.ROOT, "  %s: warm-up read%n", label);
        readAll(engine, stored, Long.MAX_VALUE, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long events = 0;
        int passes = 0;
        long start = System.nanoTime();
        do {
            events += readAll(engine, stored, Long.MAX_VALUE, null);
            passes++;
        } while (System.nanoTime() < deadline);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = events / elapsed;
        System.out.printf(Locale.ROOT, "  %s: %d whole-stream reads, %d events in %.1f s = %.0f events/s%n",
                          label, passes, events, elapsed, rate);
        record("catch-up: " + label, rate, "events/s (" + passes + " full reads)");
        return rate;
    }

    /** One whole-stream read, stopped after {@code capSeconds}. Returns {rate, events read, capped ? 1 : 0}. */
    private double[] catchUpOnce(String label, EventStorageEngine engine, int stored, int capSeconds) {
        // warm the code paths and the store's first pages; the JIT is warm from the earlier phases
        readAll(engine, Math.min(stored, 20_000), Duration.ofSeconds(5).toNanos(), null);
        long start = System.nanoTime();
        long read = readAll(engine, stored, Duration.ofSeconds(capSeconds).toNanos(), new Progress(label, stored));
        double elapsed = (System.nanoTime() - start) / 1e9;
        boolean capped = read < stored;
        double rate = read / elapsed;
        System.out.printf(Locale.ROOT, "  %s: %d of %d events in %.1f s = %.0f events/s%s%n", label, read, stored,
                          elapsed, rate, capped ? " (CAPPED at " + capSeconds + " s)" : "");
        record("catch-up: " + label, rate,
               "events/s (" + read + " of " + stored + " read in " + String.format(Locale.ROOT, "%.1f", elapsed)
                       + " s" + (capped ? ", capped" : "") + ")");
        return new double[]{rate, read, capped ? 1 : 0};
    }

    private double[] axonMongoCatchUp(int count) {
        MongoDatabase db = database("bench_axon_read_" + count);
        MongoEventStorageEngine engine = axonMongo(db, 100);
        fillAxonMongo(engine, count);
        double[] result = catchUpOnce("axon-mongo, " + count + " stored, batch 100", engine, count, axonCap);
        db.drop();
        return result;
    }

    /** Reads from the tail until {@code limit} events were read, the stream ends, or the time is up. */
    private static long readAll(EventStorageEngine engine, long limit, long maxNanos, Progress progress) {
        long start = System.nanoTime();
        long read = 0;
        int maxGaps = 0;
        try (Stream<? extends TrackedEventMessage<?>> stream = engine.readEvents(null, false)) {
            Iterator<? extends TrackedEventMessage<?>> events = stream.iterator();
            while (read < limit && events.hasNext()) {
                TrackedEventMessage<?> event = events.next();
                if (event.trackingToken() == null) {
                    throw new IllegalStateException("untracked event " + event.getIdentifier());
                }
                read++;
                if ((read & 127) == 0 && event.trackingToken() instanceof GapAwareTrackingToken token) {
                    maxGaps = Math.max(maxGaps, token.getGaps().size());
                }
                if ((read & 1023) == 0 && progress != null) {
                    progress.maybePrint(read);
                }
                if (System.nanoTime() - start > maxNanos) {
                    break; // checked on every event: a capped axon-mongo read delivers a few events per second
                }
            }
        }
        if (maxGaps > 0) {
            System.out.printf(Locale.ROOT, "    (the reader's token carried up to %d gaps)%n", maxGaps);
        }
        return read;
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Operation {
        /** Runs once and returns how many units (documents, events) it wrote. */
        int run() throws Exception;
    }

    /** Runs {@code operation} on {@code threads} threads: warm-up, then {@code seconds} measured. Units per second. */
    private double measure(String label, int threads, Operation operation) {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong units = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (!stop.get()) {
                    int n = operation.run();
                    if (measuring.get()) {
                        units.addAndGet(n);
                    }
                }
                return null;
            }));
        }
        try {
            System.out.printf(Locale.ROOT, "  %s: warm-up %d s%n", label, warmup);
            Thread.sleep(warmup * 1000L);
            measuring.set(true);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            Progress progress = new Progress(label, -1);
            while (System.nanoTime() < end && !anyDone(futures)) {
                Thread.sleep(100);
                progress.maybePrint(units.get());
            }
            long counted = units.get();
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Future<?> future : futures) {
                future.get();
            }
            double rate = counted / elapsed;
            System.out.printf(Locale.ROOT, "  %s: %d in %.1f s = %.0f/s%n", label, counted, elapsed, rate);
            return rate;
        } catch (Exception e) {
            throw new IllegalStateException(label + " failed", e);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private static boolean anyDone(List<Future<?>> futures) {
        return futures.stream().anyMatch(Future::isDone);
    }

    private static boolean allDone(List<Future<?>> futures) {
        return futures.stream().allMatch(Future::isDone);
    }

    private static final class Progress {
        private final String label;
        private final long total;
        private final long start = System.nanoTime();
        private long lastPrint = start;

        Progress(String label, long total) {
            this.label = label;
            this.total = total;
        }

        void maybePrint(long done) {
            long now = System.nanoTime();
            if (now - lastPrint >= PROGRESS_EVERY_NANOS) {
                lastPrint = now;
                double elapsed = (now - start) / 1e9;
                System.out.printf(Locale.ROOT, "    ... %s: %d%s after %.0f s (%.0f/s)%n", label, done,
                                  total > 0 ? " of " + total : "", elapsed, done / elapsed);
            }
        }
    }

    private MongoDatabase database(String name) {
        return stores.client().getDatabase(name);
    }

    private static GapAwareMongoEventStorageEngine ours(MongoDatabase db, int batchSize) {
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(db)
                                              .eventSerializer(SERIALIZER)
                                              .snapshotSerializer(SERIALIZER)
                                              .batchSize(batchSize)
                                              .appendListener((events, attempts, nanos) -> {
                                                  if (attempts > 1) {
                                                      RETRIED_COMMITS.incrementAndGet();
                                                  }
                                              })
                                              .build();
    }

    /** Positions allocated, documents stored, tombstones, and commits that had to retry, in our store. */
    private static String storeCensus(MongoDatabase db) {
        Document counter = db.getCollection("events_positions").find().first();
        long allocated = counter == null ? 0 : counter.get("value", Number.class).longValue();
        long documents = db.getCollection("events").countDocuments();
        long tombstones = db.getCollection("events").countDocuments(new Document("tombstone", true));
        return String.format(Locale.ROOT, "positions allocated %d, documents %d (tombstones %d), never-filled "
                + "positions %d; commits retried so far in this run: %d", allocated, documents, tombstones,
                             allocated - documents, RETRIED_COMMITS.get());
    }

    private static MongoEventStorageEngine axonMongo(MongoDatabase db, int batchSize) {
        DefaultMongoTemplate template = DefaultMongoTemplate.builder().mongoDatabase(db).build();
        return MongoEventStorageEngine.builder()
                                      .mongoTemplate(template)
                                      .eventSerializer(SERIALIZER)
                                      .snapshotSerializer(SERIALIZER)
                                      .batchSize(batchSize)
                                      .build();
    }

    private static DomainEventMessage<?> event(String aggregateId, long seq, Instant timestamp) {
        return new GenericDomainEventMessage<>("Account", aggregateId, seq,
                                               new AmountRecorded(aggregateId, new BigDecimal("12.30"), "EUR"),
                                               MetaData.emptyInstance(), UUID.randomUUID().toString(), timestamp);
    }

    private void record(String what, double value, String unit) {
        results.add(new String[]{what, String.format(Locale.ROOT, "%,.0f", value), unit});
    }

    private static void target(String what, double measured, double threshold, String detail) {
        System.out.printf(Locale.ROOT, "  %s %s: %s%n", measured >= threshold ? "PASS" : "FAIL", what, detail);
    }

    private static void section(String title) {
        System.out.printf(Locale.ROOT, "%n== %s ==%n", title);
    }

    private void printHeader() {
        section("Consent Ledger event-store benchmark");
        Runtime runtime = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "  date:    %s%n", ZonedDateTime.now());
        System.out.printf(Locale.ROOT, "  java:    %s (%s), max heap %d MB, %d available processors%n",
                          System.getProperty("java.version"), System.getProperty("java.vm.name"),
                          runtime.maxMemory() >> 20, runtime.availableProcessors());
        System.out.printf(Locale.ROOT, "  jvm args: %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "  store:   %s%n", stores.isEmbedded()
                ? "mongo-java-server, in-memory backend (MemoryBackend), one server for the whole run, "
                + stores.connectionString()
                : "MongoDB at " + TestStores.URI_VARIABLE);
        System.out.printf(Locale.ROOT, "  settings: seconds=%d warmup=%d small=%d large=%d axonSmall=%d axonLarge=%d "
                                  + "axonCap=%ds readCap=%ds fillWriters=%d fillCommitSize=%d axonSpacingMs=%d%n",
                          seconds, warmup, small, large, axonSmall, axonLarge, axonCap, readCap, fillWriters,
                          fillCommitSize, axonSpacingMs);
        System.out.println("  our engine: default write concern (majority, journaled), default gap timeout (10 s); "
                                   + "axon-mongo: document per event, look-back 1 s, DefaultMongoTemplate; "
                                   + "serializer: LedgerSerializers.jackson() for both");
    }
}
