package io.consentledger.system.benchmark;

import java.time.Duration;
import java.util.Arrays;
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
