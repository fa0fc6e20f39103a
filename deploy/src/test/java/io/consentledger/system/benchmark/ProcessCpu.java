package io.consentledger.system.benchmark;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The CPU time of the benchmark's JVM and every process it started (the store and the applications), from
 * {@code /proc} through {@link ProcessHandle}: the cost of a window's commands that other work on a shared machine
 * does not enter, for A/B comparisons where the rates alone are too noisy.
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    static long nanos() {
        return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                     .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                     .sum();
    }

    /** The CPU time of one process (0 if it is gone). */
    static long nanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /**
     * The CPU time of the threads of one process whose name starts with one of {@code prefixes}, from
     * {@code /proc/<pid>/task/*}{@code /stat} (the kernel's thread names are cut to 15 characters; clock ticks of 10 ms).
     */
    static long threadNanos(long pid, String... prefixes) {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(pid), "task");
        long ticks = 0;
        try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path thread : threads.toList()) {
                try {
                    String stat = java.nio.file.Files.readString(thread.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    if (Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                        String[] fields = stat.substring(close + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException gone) {
            return 0;
        }
        return ticks * 10_000_000L;
    }

    /**
     * The thread groups of a JVM whose CPU the encryption A/B reports per window and arm (p8-encab: what warms):
     * the JIT's compiler threads, the collector's threads, and Tomcat's request threads (the kernel's names, cut to 15
     * characters).
     */
    static final java.util.Map<String, String[]> JVM_GROUPS = jvmGroups();

    private static java.util.Map<String, String[]> jvmGroups() {
        java.util.Map<String, String[]> groups = new java.util.LinkedHashMap<>();
        groups.put("C2", new String[] {"C2 CompilerThre"});
        groups.put("C1", new String[] {"C1 CompilerThre"});
        groups.put("GC", new String[] {"GC Thread", "G1 "});
        groups.put("requests", new String[] {"http-nio"});
        return java.util.Collections.unmodifiableMap(groups);
    }

    /** The CPU time in nanoseconds of each of {@code groups} (thread-name prefixes) in one process, in one pass. */
    static java.util.Map<String, Long> threadGroupNanos(long pid, java.util.Map<String, String[]> groups) {
        java.util.Map<String, Long> nanos = new java.util.LinkedHashMap<>();
        groups.keySet().forEach(g -> nanos.put(g, 0L));
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(pid), "task");
        try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path thread : threads.toList()) {
                try {
                    String stat = java.nio.file.Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    for (java.util.Map.Entry<String, String[]> group : groups.entrySet()) {
                        if (Arrays.stream(group.getValue()).anyMatch(name::startsWith)) {
                            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                            nanos.merge(group.getKey(), ticks * 10_000_000L, Long::sum);
                        }
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException gone) {
            // the process is gone: zeros
        }
        return nanos;
    }

    /**
     * The JIT's count of compiled methods and its compile time in milliseconds so far, from {@code jstat -compiler}
     * (the JVM's perf data, no attach); {-1, -1} if jstat is missing or the JVM has none.
     */
    static long[] jitCompiled(long pid) {
        try {
            Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                                           "-compiler", Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return parseJstatCompiler(out);
        } catch (Exception e) {
            return new long[] {-1, -1};
        }
    }

    /** {compiled methods, compile time in ms} from {@code jstat -compiler}'s output; {-1, -1} if it has none. */
    static long[] parseJstatCompiler(String out) {
        List<String> lines = out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (lines.size() < 2 || !lines.get(0).startsWith("Compiled")) {
            return new long[] {-1, -1};
        }
        String[] fields = lines.get(1).split("\\s+");
        try {
            return new long[] {Long.parseLong(fields[0]), Math.round(Double.parseDouble(fields[3]) * 1000)};
        } catch (RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** The packages of the sealing of personal data: the JDK's AES-GCM and the event store's privacy code. */
    static final List<String> CRYPTO_PACKAGES = List.of("com.sun.crypto.provider.", "javax.crypto.",
                                                        "io.consentledger.eventstore.privacy.");

    /**
     * From {@code jcmd <pid> Compiler.codelist} (lines "compile-id tier state method [addresses]"): {methods whose
     * highest tier is C2's (4), of those the ones in {@link #CRYPTO_PACKAGES}, methods of those packages compiled at a
     * lower tier only}; {-1, -1, -1} if the output has no such lines.
     */
    static long[] parseCodeList(String out) {
        Map<String, Integer> tiers = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[0].matches("\\d+") || !fields[1].matches("\\d")) {
                continue;
            }
            int tier = Integer.parseInt(fields[1]);
            tiers.merge(fields[3], tier, Math::max);
        }
        if (tiers.isEmpty()) {
            return new long[] {-1, -1, -1};
        }
        long c2 = 0;
        long c2Crypto = 0;
        long lowerCrypto = 0;
        for (Map.Entry<String, Integer> method : tiers.entrySet()) {
            boolean crypto = CRYPTO_PACKAGES.stream().anyMatch(method.getKey()::startsWith);
            if (method.getValue() == 4) {
                c2++;
                c2Crypto += crypto ? 1 : 0;
            } else if (crypto) {
                lowerCrypto++;
            }
        }
        return new long[] {c2, c2Crypto, lowerCrypto};
    }

    /** Milliseconds of CPU per accepted command, for a window of {@code seconds} at {@code rate} 2xx answers a second. */
    static double msPerCommand(long cpuNanos, double rate, int seconds) {
        return rate <= 0 ? 0 : cpuNanos / 1e6 / (rate * seconds);
    }

    /** "[a, b, ...] -> mean m ms" for the arm {@code on}, the same for {@code off}, and the share of on's CPU that off saves. */
    static String compare(String onName, double[] on, String offName, double[] off) {
        double meanOn = Arrays.stream(on).average().orElse(0);
        double meanOff = Arrays.stream(off).average().orElse(0);
        return String.format(Locale.ROOT, "%s %s -> mean %.3f ms; %s %s -> mean %.3f ms; difference %.1f%% of %s's CPU",
                             onName, format(on), meanOn, offName, format(off), meanOff,
                             meanOn == 0 ? 0 : (meanOn - meanOff) / meanOn * 100, onName);
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }
}
