package io.consentledger.system.benchmark;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile's grouping, on a real recording of this JVM: a ledger method that burns CPU and allocates must come out
 * as the top ledger component of the CPU samples and of the allocation, its thread must be counted, and the grouping
 * by library must know the frameworks' packages.
 */
class JfrProfileTest {

    static volatile Object sink;
    static volatile long chunks;

    @Test
    void groupsSamplesByTheInnermostLedgerFrame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("test.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "1000/s");
            recording.enable("jdk.ThreadAllocationStatistics").withPeriod(Duration.ofMillis(100));
            recording.start();
            Thread worker = new Thread(JfrProfileTest::burn, "http-nio-8080-exec-1");
            worker.start();
            worker.join();
            recording.stop();
            recording.dump(file);
        }

        JfrProfile profile = JfrProfile.read(file);

        assertThat(profile.cpuSamples).isGreaterThan(20);
        assertThat(profile.cpuComponent.top(1).get(0).getKey()).isEqualTo("JfrProfileTest.burn");
        assertThat(profile.cpuThreads.weights).containsKey("http requests (Tomcat)");
        assertThat(profile.allocComponent.weights.getOrDefault("JfrProfileTest.burn", 0.0))
                .isGreaterThan(0.5 * profile.allocComponent.total);
        Map<String, Long> allocated = profile.allocatedByThreadGroup();
        // statistics every 100 ms: the last period before the thread ended is not seen
        assertThat(allocated.getOrDefault("http requests (Tomcat)", 0L)).isGreaterThan(chunks * 4096L / 2);
        List<String> report = profile.report("test", 1000, 500, 5);
        assertThat(report).anyMatch(line -> line.contains("JfrProfileTest.burn"));
    }

    @Test
    void knowsTheLibraries() {
        assertThat(JfrProfile.library("io.consentledger.command.Foo")).isEqualTo("ledger");
        assertThat(JfrProfile.library("org.axonframework.modelling.Foo")).isEqualTo("axon");
        assertThat(JfrProfile.library("org.bson.BsonDocument")).isEqualTo("mongodb driver");
        assertThat(JfrProfile.library("de.bwaldvogel.mongo.backend.Foo")).isEqualTo("mongo-java-server");
        assertThat(JfrProfile.library("tools.jackson.databind.ObjectMapper")).isEqualTo("jackson");
        assertThat(JfrProfile.library("org.springframework.security.web.FilterChainProxy")).isEqualTo("spring security");
        assertThat(JfrProfile.library("java.util.HashMap")).isEqualTo("jdk");
    }

    private static void burn() {
        // 700 ms of this thread's CPU (at most 30 s of wall time): on a loaded machine a wall-clock loop got a few samples
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuEnd = threads.getCurrentThreadCpuTime() + 700_000_000L;
        long wallEnd = System.nanoTime() + 30_000_000_000L;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
            for (int c = 0; c < 16; c++) {
                byte[] chunk = new byte[4096];
                chunk[x % 4096 < 0 ? 0 : (int) (x % 4096)] = 1;
                sink = chunk;
                chunks++;
            }
            // most of each pass in Java code: JFR's execution samples skip a thread inside the VM, where the CPU
            // time query runs (with 2,000 iterations a pass, a run got no sample at all)
            for (int i = 0; i < 50_000; i++) {
                x += i * 31L ^ x;
            }
        }
        sink = x;
    }
}
