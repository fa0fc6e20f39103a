package io.consentledger.system.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The encryption A/B's per-arm JVM figures (p8-encab): the CPU of a JVM's thread groups from {@code /proc}, and the
 * JIT's counters from {@code jstat -compiler} (its output copied from OpenJDK 17.0.15).
 */
class ProcessCpuTest {

    @Test
    void readsJstatCompilerOutput() {
        String out = """
                Compiled Failed Invalid   Time   FailedType FailedMethod
                    1014      0       0     0.61          0            \s
                """;
        assertThat(ProcessCpu.parseJstatCompiler(out)).containsExactly(1014, 610);
        assertThat(ProcessCpu.parseJstatCompiler("12345 not found")).containsExactly(-1, -1);
    }

    @Test
    void readsTheCodeListByHighestTier() {
        // lines as jcmd Compiler.codelist printed them for OpenJDK 17.0.15 (the addresses shortened)
        String out = """
                10019:
                11 0 0 java.lang.System.arraycopy(Ljava/lang/Object;ILjava/lang/Object;II)V [0x1, 0x2 - 0x3]
                1376 1 0 com.sun.crypto.provider.AESCrypt.getBlockSize()I [0x1, 0x2 - 0x3]
                1370 3 0 com.sun.crypto.provider.GHASH.blockMult([J[J)V [0x1, 0x2 - 0x3]
                1372 4 0 com.sun.crypto.provider.GHASH.blockMult([J[J)V [0x1, 0x2 - 0x3]
                1388 4 0 com.sun.crypto.provider.GHASH.blockMult([J[J)V [0x1, 0x2 - 0x3]
                1392 4 0 com.sun.crypto.provider.AESCrypt.implEncryptBlock([BI[BI)V [0x1, 0x2 - 0x3]
                1500 4 0 java.lang.String.hashCode()I [0x1, 0x2 - 0x3]
                1501 3 0 io.consentledger.eventstore.privacy.Sealed.open()[B [0x1, 0x2 - 0x3]
                """;
        // C2: GHASH.blockMult (twice, counted once), AESCrypt.implEncryptBlock, String.hashCode; lower tier only:
        // AESCrypt.getBlockSize, Sealed.open
        assertThat(ProcessCpu.parseCodeList(out)).containsExactly(3, 2, 2);
        assertThat(ProcessCpu.parseCodeList("12345:\nCommand executed successfully")).containsExactly(-1, -1, -1);
    }

    @Test
    void countsTheJitOfThisJvm() {
        long[] compiled = ProcessCpu.jitCompiled(ProcessHandle.current().pid());
        assertThat(compiled[0]).isPositive(); // this JVM has compiled methods by now
        assertThat(compiled[1]).isNotNegative();
    }

    @Test
    void chargesAThreadsCpuToItsGroupByName() throws Exception {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> before = ProcessCpu.threadGroupNanos(pid, ProcessCpu.JVM_GROUPS);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        // named as Tomcat names its request threads; spins until it has used 300 ms of CPU
        Thread busy = new Thread(() -> {
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < 300_000_000L) {
                x += System.nanoTime() % 7;
            }
            cpu.set(threads.getCurrentThreadCpuTime() + (x & 0));
            try {
                Thread.sleep(5000); // still alive when /proc is read
            } catch (InterruptedException done) {
                Thread.currentThread().interrupt();
            }
        }, "http-nio-1-exec-1");
        busy.start();
        while (cpu.get() == 0) {
            Thread.sleep(10);
        }
        Map<String, Long> after = ProcessCpu.threadGroupNanos(pid, ProcessCpu.JVM_GROUPS);
        busy.interrupt();
        busy.join();
        assertThat(after.keySet()).containsExactly("C2", "C1", "GC", "requests");
        // clock ticks of 10 ms: the 300 ms of the thread, give or take a tick or two
        assertThat(after.get("requests") - before.get("requests")).isBetween(270_000_000L, 330_000_000L);
    }
}
