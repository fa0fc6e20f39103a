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
