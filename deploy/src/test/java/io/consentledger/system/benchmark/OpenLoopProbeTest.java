package io.consentledger.system.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load benchmark's pause reading: the lines are copied from the logs that {@code jcmd VM.log
 * what=gc=info,safepoint=info decorators=utctime,uptime} wrote for OpenJDK 17.0.15 (G1 and ZGC).
 */
class OpenLoopProbeTest {

    @TempDir
    Path dir;

    private static final String LOG = """
            [2026-12-03T11:54:14.087+0000][594.804s] GC(158) Pause Young (Normal) (G1 Evacuation Pause) 2123M->1729M(5480M) 235.266ms
            [2026-12-03T11:54:14.087+0000][594.804s] Safepoint "G1CollectForAllocation", Time since last: 3012301119 ns, Reaching safepoint: 5188 ns, Cleanup: 9744 ns, At safepoint: 235282821 ns, Total: 235297753 ns
            [2026-12-03T11:54:15.500+0000][596.217s] Safepoint "Cleanup", Time since last: 1000000000 ns, Reaching safepoint: 32000000 ns, Cleanup: 1000 ns, At safepoint: 1000000 ns, Total: 33001000 ns
            [2026-12-03T11:57:01.785+0000][3.228s] Safepoint "ZMarkEnd", Time since last: 13005211 ns, Reaching safepoint: 2548541 ns, Cleanup: 21452 ns, At safepoint: 40180 ns, Total: 2610173 ns
            [2026-12-03T11:57:01.845+0000][3.288s] Allocation Stall (http-nio-auto-1-exec-7) 35.397ms
            [2026-12-03T11:57:01.870+0000][3.313s] GC(1) Garbage Collection (Allocation Stall) 32M(100%)->24M(75%)
            [2026-12-03T12:10:00.000+0000][700.000s] Safepoint "G1CollectForAllocation", Time since last: 1 ns, Reaching safepoint: 1 ns, Cleanup: 1 ns, At safepoint: 1 ns, Total: 99000000 ns
            """;

    @Test
    void readsEverySafepointAndAllocationStallInTheWindowAndNothingElse() throws Exception {
        Path file = dir.resolve("pauses-store.log");
        Files.writeString(file, LOG);

        List<OpenLoopProbe.Pause> pauses = OpenLoopProbe.pauses(file, Instant.parse("2026-12-03T11:54:00Z"),
                                                                Instant.parse("2026-12-03T12:00:00Z"));

        // the GC's own "Pause Young" line is the same pause as its safepoint: counted once; the 12:10 one is outside
        assertThat(pauses).extracting(OpenLoopProbe.Pause::operation)
                          .containsExactly("G1CollectForAllocation", "Cleanup", "ZMarkEnd",
                                           "Allocation Stall http-nio-auto-1-exec-7");
        assertThat(pauses.get(0).end()).isEqualTo(Instant.parse("2026-12-03T11:54:14.087Z"));
        assertThat(pauses.get(0).millis()).isCloseTo(235.297753, within(1e-9));
        assertThat(pauses.get(1).reachingMillis()).isCloseTo(32.0, within(1e-9));
        assertThat(pauses.get(2).millis()).isCloseTo(2.610173, within(1e-9));
        assertThat(pauses.get(3).millis()).isCloseTo(35.397, within(1e-9));
    }

    @Test
    void theTimelineSeparatesTheGeneratorsLatenessFromTheServiceTime() throws Exception {
        long start = System.nanoTime();
        OpenLoopProbe probe = new OpenLoopProbe(2, start, Map.of());
        long second = 1_000_000_000L;
        // second 0: sent on time, answered after 20 ms; second 1: sent 300 ms late, answered 10 ms after the send, a 503
        probe.sent(start, start);
        probe.answered(start, start, start + 20_000_000L, 201);
        probe.sent(start + second, start + second + 300_000_000L);
        probe.answered(start + second, start + second + 300_000_000L, start + second + 310_000_000L, 503);

        assertThat(probe.service().getMaxValue() / 1e6).isCloseTo(20.0, within(0.1));
        assertThat(probe.lateness().getMaxValue() / 1e6).isCloseTo(300.0, within(0.5));
        List<String> lines = probe.report(Map.of());
        assertThat(lines.get(1)).contains("  0 s: sent    1 (  0,    0.0 ms),    1 /   0 /  0 /  0");
        assertThat(lines.get(2)).contains("  1 s: sent    1 (  1,  300.0 ms),    0 /   1 /  0 /  0")
                                .containsPattern("p99 +3[01]\\d\\.\\d / +10\\.\\d ms");
    }
}
