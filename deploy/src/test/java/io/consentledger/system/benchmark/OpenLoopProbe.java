package io.consentledger.system.benchmark;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the open loop's tail comes from (issue 17, p6): per second of intended send, what was sent and how late,
 * how it was answered (2xx, 503, other), the latency from the intended send and from the actual send (the service
 * time, without the generator's lateness), what was in flight, the CPU of each process by thread group (requests,
 * processors, GC, JIT, the rest), and the stop-the-world pauses of each JVM from its safepoint log
 * ({@link #startPauseLogs}, {@code jcmd VM.log}, switched by {@code bench.gcLog}).
 */
final class OpenLoopProbe {

    /** Thread groups by the kernel's thread name (cut to 15 characters). */
    private static final String[] GROUPS = {"http", "proc", "gc", "jit", "other"};

    private final int seconds;
    private final long startNanos;
    private final Instant startInstant;
    private final AtomicLongArray sent;
    private final AtomicLongArray late;
    private final AtomicLongArray maxLateMicros;
    private final AtomicLongArray ok;
    private final AtomicLongArray unavailable;
    private final AtomicLongArray other;
    private final AtomicLongArray errors;
    private final ConcurrentHistogram[] fromIntended;
    private final ConcurrentHistogram[] service;
    private final ConcurrentHistogram lateness = new ConcurrentHistogram(3);
    private final ConcurrentHistogram serviceAll = new ConcurrentHistogram(3);
    private final Map<String, Long> pids;
    /** Per second and process: CPU nanoseconds per thread group, sampled at each second's end. */
    private final List<Map<String, long[]>> cpu = new ArrayList<>();
    private final List<Long> inFlight = new ArrayList<>();
    private volatile boolean stopped;
    private Thread sampler;

    OpenLoopProbe(int seconds, long startNanos, Map<String, Long> pids) {
        this.seconds = seconds;
        this.startNanos = startNanos;
        this.startInstant = Instant.now().plusNanos(startNanos - System.nanoTime());
        this.pids = pids;
        int n = seconds + 1;
        sent = new AtomicLongArray(n);
        late = new AtomicLongArray(n);
        maxLateMicros = new AtomicLongArray(n);
        ok = new AtomicLongArray(n);
        unavailable = new AtomicLongArray(n);
        other = new AtomicLongArray(n);
        errors = new AtomicLongArray(n);
        fromIntended = new ConcurrentHistogram[n];
        service = new ConcurrentHistogram[n];
        for (int i = 0; i < n; i++) {
            fromIntended[i] = new ConcurrentHistogram(2);
            service[i] = new ConcurrentHistogram(2);
        }
    }

    private int second(long intended) {
        return (int) Math.max(0, Math.min(seconds, (intended - startNanos) / 1_000_000_000L));
    }

    /** A command left the generator at {@code actual}, {@code actual - intended} after its intended instant. */
    void sent(long intended, long actual) {
        int s = second(intended);
        sent.incrementAndGet(s);
        long lateNanos = Math.max(0, actual - intended);
        lateness.recordValue(Math.max(1, lateNanos));
        if (lateNanos > 1_000_000) {
            late.incrementAndGet(s);
        }
        long micros = lateNanos / 1000;
        maxLateMicros.accumulateAndGet(s, micros, Math::max);
    }

    /** Its answer ({@code status} 0: an I/O error) came at {@code answered}. */
    void answered(long intended, long actual, long answered, int status) {
        int s = second(intended);
        fromIntended[s].recordValue(Math.max(1, answered - intended));
        long serviceNanos = Math.max(1, answered - actual);
        service[s].recordValue(serviceNanos);
        serviceAll.recordValue(serviceNanos);
        if (status == 0) {
            errors.incrementAndGet(s);
        } else if (status / 100 == 2) {
            ok.incrementAndGet(s);
        } else if (status == 503) {
            unavailable.incrementAndGet(s);
        } else {
            other.incrementAndGet(s);
        }
    }

    Histogram lateness() {
        return lateness;
    }

    /** Latency from the actual send to the answer, every command of the loop. */
    Histogram service() {
        return serviceAll;
    }

    /** Samples each process's CPU by thread group and the generator's in-flight count once a second. */
    void startSampler(java.util.function.LongSupplier inFlightNow) {
        sampler = new Thread(() -> {
            Map<String, long[]> last = sample();
            long next = startNanos + TimeUnit.SECONDS.toNanos(1);
            while (!stopped && cpu.size() <= seconds + 2) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    continue;
                }
                Map<String, long[]> now = sample();
                Map<String, long[]> delta = new LinkedHashMap<>();
                now.forEach((name, groups) -> {
                    long[] before = last.getOrDefault(name, new long[GROUPS.length + 1]);
                    long[] d = new long[GROUPS.length + 1];
                    for (int g = 0; g < d.length; g++) {
                        // a thread that ended takes its CPU out of its group's sum: never below 0 (the total is the process's)
                        d[g] = Math.max(0, groups[g] - before[g]);
                    }
                    delta.put(name, d);
                });
                synchronized (cpu) {
                    cpu.add(delta);
                    inFlight.add(inFlightNow.getAsLong());
                }
                last.clear();
                last.putAll(now);
                next += TimeUnit.SECONDS.toNanos(1);
            }
        }, "bench-open-loop-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void stop() throws InterruptedException {
        stopped = true;
        if (sampler != null) {
            sampler.join(5000);
        }
    }

    private Map<String, long[]> sample() {
        Map<String, long[]> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long[] groups = java.util.Arrays.copyOf(threadGroups(pid), GROUPS.length + 1);
            groups[GROUPS.length] = ProcessCpu.nanos(pid); // the process's own total, ended threads included
            out.put(name, groups);
        });
        return out;
    }

    /** CPU nanoseconds of one process by thread group, from /proc/<pid>/task/<tid>/stat (ticks of 10 ms). */
    static long[] threadGroups(long pid) {
        long[] ticks = new long[GROUPS.length];
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    ticks[group(name)] += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        for (int g = 0; g < ticks.length; g++) {
            ticks[g] *= 10_000_000L;
        }
        return ticks;
    }

    private static int group(String thread) {
        if (thread.startsWith("http-nio") || thread.startsWith("bench-open") || thread.startsWith("bench-http")
                || thread.startsWith("HttpClient")) {
            return 0;
        }
        if (thread.startsWith("EventProcessor") || thread.startsWith("WorkPackage") || thread.startsWith("Coordinator")
                || thread.startsWith("EmbeddedEventSt") || thread.startsWith("notification") || thread.startsWith("webhook")) {
            return 1;
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.startsWith("VM Thread")
                || thread.startsWith("ZWorker") || thread.startsWith("ZDriver") || thread.startsWith("ZDirector")) {
            return 2;
        }
        if (thread.startsWith("C2 Compiler") || thread.startsWith("C1 Compiler")) {
            return 3;
        }
        return 4;
    }

    // ------------------------------------------------------------------------------------------- pause logs

    private static final Pattern SAFEPOINT = Pattern.compile(
            "^\\[([^\\]]+)\\]\\[[^\\]]+\\] Safepoint \"([^\"]+)\".* Reaching safepoint: (\\d+) ns.* Total: (\\d+) ns");
    /** ZGC's: a thread waited for memory (not a safepoint, but a stall of that thread). */
    private static final Pattern ALLOCATION_STALL = Pattern.compile(
            "^\\[([^\\]]+)\\]\\[[^\\]]+\\] Allocation Stall \\(([^)]*)\\) ([0-9.]+)ms");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /**
     * One stop-the-world pause: when it ended, how long in all, of which the time to reach the safepoint (the threads
     * still running to their next poll: long when the machine's cores are taken and a thread waits for one), and the
     * VM operation (GC or other).
     */
    record Pause(Instant end, double millis, double reachingMillis, String operation) {
    }

    /** Starts a GC and safepoint log for each JVM ({@code jcmd VM.log}); returns each process's log file. */
    static Map<String, Path> startPauseLogs(Map<String, Long> pids, Path dir) {
        Map<String, Path> logs = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Path file = dir.resolve("pauses-" + name + ".log").toAbsolutePath();
            try {
                Files.deleteIfExists(file);
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                               Long.toString(pid), "VM.log", "output=file=" + file,
                                               "what=gc=info,safepoint=info", "decorators=utctime,uptime")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(30, TimeUnit.SECONDS);
                logs.put(name, file);
            } catch (Exception e) {
                System.out.println("Pause log of " + name + " not started: " + e);
            }
        });
        return logs;
    }

    /** The pauses in {@code file} that ended in [{@code from}, {@code to}]. */
    static List<Pause> pauses(Path file, Instant from, Instant to) {
        List<Pause> pauses = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = SAFEPOINT.matcher(line);
                if (m.find()) {
                    Instant end = UTC_TIME.parse(m.group(1), Instant::from);
                    if (!end.isBefore(from) && !end.isAfter(to)) {
                        pauses.add(new Pause(end, Long.parseLong(m.group(4)) / 1e6, Long.parseLong(m.group(3)) / 1e6, m.group(2)));
                    }
                }
                Matcher stall = ALLOCATION_STALL.matcher(line);
                if (stall.find()) {
                    Instant end = UTC_TIME.parse(stall.group(1), Instant::from);
                    if (!end.isBefore(from) && !end.isAfter(to)) {
                        pauses.add(new Pause(end, Double.parseDouble(stall.group(3)), 0, "Allocation Stall " + stall.group(2)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("Pause log " + file + " not read: " + e);
        }
        return pauses;
    }

    // -------------------------------------------------------------------------------------------------- report

    /** The per-second timeline and the pauses of each JVM in the loop's window. */
    List<String> report(Map<String, Path> pauseLogs) {
        List<String> lines = new ArrayList<>();
        Instant end = startInstant.plusSeconds(seconds + 3);
        Map<String, double[]> pausePerSecond = new LinkedHashMap<>();
        Map<String, List<Pause>> pausesOf = new LinkedHashMap<>();
        pauseLogs.forEach((name, file) -> {
            List<Pause> pauses = pauses(file, startInstant, end);
            pausesOf.put(name, pauses);
            double[] perSecond = new double[seconds + 3];
            for (Pause p : pauses) {
                int s = (int) Math.min(perSecond.length - 1,
                                       Math.max(0, java.time.Duration.between(startInstant, p.end()).toMillis() / 1000));
                perSecond[s] += p.millis();
            }
            pausePerSecond.put(name, perSecond);
        });
        lines.add("  per second of intended send: sent (late > 1 ms, max lateness), answers 2xx / 503 / other / errors, "
                          + "p99 from the intended send / from the actual send (service), generator in flight at the "
                          + "second's end; CPU % of a core per process (its live threads: requests+processors+gc+jit+other); stop-the-world ms");
        List<Map<String, long[]>> cpuCopy;
        List<Long> inFlightCopy;
        synchronized (cpu) {
            cpuCopy = new ArrayList<>(cpu);
            inFlightCopy = new ArrayList<>(inFlight);
        }
        for (int s = 0; s < seconds; s++) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "  %3d s: sent %4d (%3d, %6.1f ms), %4d / %3d / %2d / %2d, p99 %7.1f / %7.1f ms, "
                                           + "in flight %4s;", s, sent.get(s), late.get(s), maxLateMicros.get(s) / 1e3,
                                   ok.get(s), unavailable.get(s), other.get(s), errors.get(s), p99(fromIntended[s]),
                                   p99(service[s]), s < inFlightCopy.size() ? inFlightCopy.get(s).toString() : "-"));
            if (s < cpuCopy.size()) {
                cpuCopy.get(s).forEach((name, groups) -> {
                    long total = groups[GROUPS.length];
                    StringBuilder parts = new StringBuilder();
                    for (int g = 0; g < GROUPS.length; g++) {
                        parts.append(g == 0 ? "" : "+").append(groups[g] / 10_000_000L);
                    }
                    b.append(String.format(Locale.ROOT, " %s %d (%s)", name, total / 10_000_000L, parts));
                });
            }
            b.append("; stw");
            final int second = s;
            pausePerSecond.forEach((name, perSecond) -> b.append(String.format(Locale.ROOT, " %s %.0f", name, perSecond[second])));
            lines.add(b.toString());
        }
        pausesOf.forEach((name, pauses) -> {
            double total = pauses.stream().mapToDouble(Pause::millis).sum();
            double max = pauses.stream().mapToDouble(Pause::millis).max().orElse(0);
            List<String> long10 = pauses.stream().filter(p -> p.millis() >= 10)
                                        .map(p -> String.format(Locale.ROOT, "%.1f s %s %.0f ms (reaching %.0f)",
                                                                java.time.Duration.between(startInstant, p.end()).toMillis() / 1e3,
                                                                p.operation(), p.millis(), p.reachingMillis())).toList();
            double reaching = pauses.stream().mapToDouble(Pause::reachingMillis).sum();
            lines.add(String.format(Locale.ROOT, "  pauses of %-9s in the window: %d, total %.0f ms (of which reaching the "
                                            + "safepoint %.0f ms), max %.1f ms; >= 10 ms: %s",
                                    name, pauses.size(), total, reaching, max, long10));
        });
        return lines;
    }

    private static double p99(Histogram h) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e6;
    }
}
