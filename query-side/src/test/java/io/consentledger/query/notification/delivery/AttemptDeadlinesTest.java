package io.consentledger.query.notification.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptDeadlinesTest {

    private static final long TIMEOUT = Duration.ofMillis(300).toNanos();

    @Test
    void aDeadlineThatPassesRunsItsExpiryOnTimeAndIsExpired() throws Exception {
        try (AttemptDeadlines deadlines = new AttemptDeadlines(TIMEOUT, "test-deadlines")) {
            Thread.sleep(50); // the watcher is asleep, having seen no deadline
            CountDownLatch ran = new CountDownLatch(1);
            AtomicLong ranAt = new AtomicLong();
            long t0 = System.nanoTime();
            AttemptDeadlines.Deadline deadline = deadlines.start(() -> {
                ranAt.set(System.nanoTime());
                ran.countDown();
            });

            assertThat(ran.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(deadline.expired()).isTrue();
            assertThat(ranAt.get() - t0).isBetween(TIMEOUT, TIMEOUT + Duration.ofMillis(150).toNanos());
            deadline.end(); // after the expiry: changes nothing
            assertThat(deadline.expired()).isTrue();
            assertThat(deadlines.watched()).isZero();
        }
    }

    @Test
    void anEndedDeadlineNeverRunsItsExpiryAndIsForgotten() throws Exception {
        try (AttemptDeadlines deadlines = new AttemptDeadlines(TIMEOUT, "test-deadlines")) {
            AtomicInteger expiries = new AtomicInteger();
            AttemptDeadlines.Deadline deadline = deadlines.start(expiries::incrementAndGet);
            assertThat(deadlines.watched()).isEqualTo(1);

            deadline.end();

            Thread.sleep(TIMEOUT / 1_000_000 * 2);
            assertThat(expiries).hasValue(0);
            assertThat(deadline.expired()).isFalse();
            assertThat(deadlines.watched()).isZero();
        }
    }

    @Test
    void anInterruptedWatcherKeepsWatchingWithoutSpinning() throws Exception {
        try (AttemptDeadlines deadlines = new AttemptDeadlines(TIMEOUT, "test-deadlines-interrupted")) {
            Thread watcher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("test-deadlines-interrupted")).findFirst().orElseThrow();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            watcher.interrupt();
            long cpu0 = threads.getThreadCpuTime(watcher.getId());
            CountDownLatch ran = new CountDownLatch(1);
            deadlines.start(ran::countDown);

            assertThat(ran.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(threads.getThreadCpuTime(watcher.getId()) - cpu0)
                    .isLessThan(Duration.ofMillis(100).toNanos());
        }
    }

    @Test
    void deadlinesStartedWhileTheWatcherSleepsEachExpireOnTime() throws Exception {
        try (AttemptDeadlines deadlines = new AttemptDeadlines(TIMEOUT, "test-deadlines")) {
            int count = 12;
            CountDownLatch ran = new CountDownLatch(count);
            AtomicLong latest = new AtomicLong(); // the most any expiry came after its deadline
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                deadlines.start(() -> {
                    latest.accumulateAndGet(System.nanoTime() - (start + TIMEOUT), Math::max);
                    ran.countDown();
                });
                Thread.sleep(40); // spread over more than one timeout
            }

            assertThat(ran.await(3, TimeUnit.SECONDS)).isTrue();
            assertThat(latest.get()).isLessThan(Duration.ofMillis(150).toNanos());
        }
    }
}
