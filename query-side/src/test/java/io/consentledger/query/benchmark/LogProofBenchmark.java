package io.consentledger.query.benchmark;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import io.consentledger.query.log.TileStore;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.tiles.TileLog;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Inclusion and consistency proofs from the stored tiles on the embedded store (issue 11: p99 at most 20 ms with 1M
 * leaves). Appends {@code bench.leaves} synthetic leaves through {@link TileStore} as the tree builder does (batches of
 * 1,000), then times random proofs, each one {@code $in} on {@code _id} plus the computation, and verifies them.
 * Not a test: run it with
 * {@code ./mvnw -q -pl query-side -am -Pbenchmark-log verify -DskipTests}.
 */
public final class LogProofBenchmark {

    public static void main(String[] args) {
        long leaves = Long.getLong("bench.leaves", 1_000_000L);
        int samples = Integer.getInteger("bench.samples", 2_000);
        try (EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
             MongoClient client = MongoClients.create(server.connectionString())) {
            MongoDatabase database = client.getDatabase("bench");
            TileStore tiles = new TileStore(database);
            TileLog log = tiles.tileLog();
            long started = System.nanoTime();
            for (long size = 0; size < leaves; ) {
                int batch = (int) Math.min(1_000, leaves - size);
                List<byte[]> hashes = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    hashes.add(Hashes.leafHash(ByteBuffer.allocate(8).putLong(size + i).array()));
                }
                tiles.store(log.append(size, hashes));
                tiles.advance(size, size + batch, new byte[32]);
                size += batch;
            }
            System.out.printf("Appended %,d leaves in %.1f s (batches of 1,000)%n", leaves,
                              (System.nanoTime() - started) / 1e9);
            SplittableRandom random = new SplittableRandom(42);
            byte[] root = log.root(leaves);
            report("inclusion proof, random leaf, size " + leaves, samples, () -> {
                long index = random.nextLong(leaves);
                long t = System.nanoTime();
                var proof = log.inclusion(index, leaves);
                long elapsed = System.nanoTime() - t;
                proof.verify(Hashes.leafHash(ByteBuffer.allocate(8).putLong(index).array()), root);
                return elapsed;
            });
            report("consistency proof, random older size -> " + leaves, samples, () -> {
                long from = 1 + random.nextLong(leaves - 1);
                long t = System.nanoTime();
                var proof = log.consistency(from, leaves);
                long elapsed = System.nanoTime() - t;
                if (proof.from() != from) {
                    throw new IllegalStateException("wrong proof");
                }
                return elapsed;
            });
            report("root of a random size", samples, () -> {
                long size = 1 + random.nextLong(leaves);
                long t = System.nanoTime();
                log.root(size);
                return System.nanoTime() - t;
            });
        }
    }

    private static void report(String what, int samples, LongSupplier timed) {
        for (int i = 0; i < 200; i++) {
            timed.getAsLong(); // warm-up
        }
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            nanos[i] = timed.getAsLong();
        }
        Arrays.sort(nanos);
        System.out.printf("%-50s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d samples)%n", what,
                          nanos[samples / 2] / 1e6, nanos[(int) (samples * 0.99)] / 1e6, nanos[samples - 1] / 1e6,
                          samples);
    }
}
