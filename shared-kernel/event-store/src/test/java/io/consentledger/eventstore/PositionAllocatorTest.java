package io.consentledger.eventstore;

import com.mongodb.client.MongoCollection;
import io.consentledger.eventstore.testing.TestStores;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PositionAllocatorTest {

    private TestStores stores;
    private MongoCollection<Document> counters;

    @BeforeEach
    void open() {
        stores = TestStores.open();
        counters = stores.database().getCollection("events_positions");
    }

    @AfterEach
    void close() {
        stores.close();
    }

    /**
     * The embedded server's findOneAndUpdate($inc) can return the same value to two concurrent callers. Every
     * position handed out within one JVM must still be distinct and none may be skipped.
     */
    @Test
    void handsOutEveryPositionExactlyOnceUnderConcurrency() throws Exception {
        PositionAllocator allocator = new PositionAllocator(counters);
        int threads = 8;
        int perThread = 500;
        ConcurrentLinkedQueue<long[]> ranges = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int size = 1 + t % 3;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long last = allocator.allocate(size);
                    ranges.add(new long[]{last - size + 1, last});
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Set<Long> positions = new HashSet<>();
        long total = 0;
        for (long[] range : ranges) {
            for (long p = range[0]; p <= range[1]; p++) {
                assertThat(positions.add(p)).as("position %d handed out twice", p).isTrue();
            }
            total += range[1] - range[0] + 1;
        }
        assertThat(positions).hasSize((int) total);
        assertThat(positions.stream().mapToLong(Long::longValue).max().orElseThrow()).as("no position skipped").isEqualTo(total);
        assertThat(allocator.head()).isEqualTo(total);
    }
}
