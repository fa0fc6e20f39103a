package io.consentledger.system.benchmark;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 17 (p8-profile): reads a JFR recording ({@code settings=profile}) and groups its CPU samples
 * ({@code jdk.ExecutionSample}) and allocation samples ({@code jdk.ObjectAllocationSample}, by their weight in bytes)
 * three ways: by thread group, by the <b>library</b> of the innermost frame that is not the JDK's ("self": where the
 * CPU is spent), and by the innermost <b>ledger</b> frame on the stack ("component": which part of the ledger the work
 * is done for, its library calls included; samples without a ledger frame fall back to their innermost Axon, then
 * framework frame). Also the allocation per thread ({@code jdk.ThreadAllocationStatistics}, exact, not sampled) and
 * the collections ({@code jdk.GarbageCollection}) during the recording.
 *
 * <p>Run it by hand on any recording: {@code java -cp deploy/target/test-classes
 * io.consentledger.system.benchmark.JfrProfile <file.jfr> [accepted commands in the window] [Java threads' CPU ms]}.
 */
final class JfrProfile {

    /** A sample's weight under each key of one grouping. */
    static final class Table {
        final String title;
        final Map<String, Double> weights = new HashMap<>();
        double total;

        Table(String title) {
            this.title = title;
        }

        void add(String key, double weight) {
            weights.merge(key, weight, Double::sum);
            total += weight;
        }

        List<Map.Entry<String, Double>> top(int n) {
            return weights.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(n).toList();
        }
    }

    final Table cpuThreads = new Table("CPU samples by thread group");
    final Table cpuLibrary = new Table("CPU samples by the innermost non-JDK frame's library (self)");
    final Table cpuMethod = new Table("CPU samples by the innermost non-JDK frame (self)");
    final Table cpuComponent = new Table("CPU samples by the innermost ledger frame (component, its library calls included)");
    final Table allocThreads = new Table("allocation (sampled bytes) by thread group");
    final Table allocLibrary = new Table("allocation by the innermost non-JDK frame's library (self)");
    final Table allocComponent = new Table("allocation by the innermost ledger frame (component)");
    final Table allocClass = new Table("allocation by the allocated class");
    /** Per thread (by JFR thread id): the first and last cumulative allocated bytes seen. */
    private final Map<Long, long[]> threadAllocated = new HashMap<>();
    private final Map<Long, String> threadNames = new HashMap<>();
    final Map<String, double[]> collections = new LinkedHashMap<>(); // name -> count, sum of pauses ms, longest ms
    long truncatedStacks;
    long cpuSamples;

    static JfrProfile read(Path file) throws IOException {
        JfrProfile profile = new JfrProfile();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            profile.accept(event);
        }
        return profile;
    }

    void accept(RecordedEvent event) {
        switch (event.getEventType().getName()) {
            case "jdk.ExecutionSample" -> {
                cpuSamples++;
                RecordedStackTrace stack = event.getStackTrace();
                RecordedThread thread = event.getThread("sampledThread");
                add(stack, thread, 1, cpuThreads, cpuLibrary, cpuMethod, cpuComponent);
            }
            case "jdk.ObjectAllocationSample" -> {
                double weight = event.getLong("weight");
                RecordedStackTrace stack = event.getStackTrace();
                add(stack, event.getThread("eventThread"), weight, allocThreads, allocLibrary, null, allocComponent);
                allocClass.add(event.getClass("objectClass") == null ? "?" : event.getClass("objectClass").getName(), weight);
            }
            case "jdk.ThreadAllocationStatistics" -> {
                RecordedThread thread = event.getThread("thread");
                if (thread == null) {
                    return;
                }
                long allocated = event.getLong("allocated");
                threadNames.put(thread.getId(), name(thread));
                threadAllocated.merge(thread.getId(), new long[]{allocated, allocated},
                                      (a, b) -> new long[]{Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
            case "jdk.GarbageCollection" -> {
                double[] c = collections.computeIfAbsent(event.getString("name"), k -> new double[3]);
                c[0]++;
                c[1] += event.getDuration("sumOfPauses").toNanos() / 1e6;
                c[2] = Math.max(c[2], event.getDuration("longestPause").toNanos() / 1e6);
            }
            default -> {
            }
        }
    }

    private void add(RecordedStackTrace stack, RecordedThread thread, double weight, Table threads, Table library,
                     Table method, Table component) {
        threads.add(threadGroup(name(thread)), weight);
        if (stack == null) {
            library.add("[no stack]", weight);
            component.add("[no stack]", weight);
            return;
        }
        if (stack.isTruncated() && threads == cpuThreads) {
            truncatedStacks++;
        }
        List<RecordedFrame> frames = stack.getFrames();
        RecordedFrame self = null;
        String ledger = null;
        String axon = null;
        String framework = null;
        for (RecordedFrame frame : frames) { // innermost first
            if (!frame.isJavaFrame() || frame.getMethod() == null) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            String lib = library(type);
            if (self == null && !lib.equals("jdk")) {
                self = frame;
            }
            if (lib.equals("ledger")) {
                ledger = label(frame);
                break;
            }
            if (axon == null && lib.equals("axon")) {
                axon = label(frame);
            }
            if (framework == null && !lib.equals("jdk") && !lib.equals("axon")) {
                framework = label(frame);
            }
        }
        library.add(self == null ? "jdk (only JDK frames)" : library(self.getMethod().getType().getName()), weight);
        if (method != null) {
            method.add(self == null ? "[jdk] " + (frames.isEmpty() ? "?" : label(frames.get(0))) : label(self), weight);
        }
        component.add(ledger != null ? ledger
                              : axon != null ? "[no ledger frame] axon " + axon
                              : framework != null ? "[no ledger frame] " + framework
                              : "[no ledger frame] jdk " + (frames.isEmpty() ? "?" : label(frames.get(0))), weight);
    }

    private static String name(RecordedThread thread) {
        if (thread == null) {
            return "?";
        }
        return thread.getJavaName() != null ? thread.getJavaName() : String.valueOf(thread.getOSName());
    }

    private static String label(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    /** Package prefixes and their library, the more specific first (spring security before spring). */
    private static final String[][] LIBRARIES = {
            {"io.consentledger.", "ledger"}, {"org.axonframework.", "axon"},
            {"com.mongodb.", "mongodb driver"}, {"org.bson.", "mongodb driver"},
            {"de.bwaldvogel.", "mongo-java-server"}, {"io.netty.", "netty"},
            {"com.fasterxml.jackson.", "jackson"}, {"tools.jackson.", "jackson"},
            {"org.springframework.security.", "spring security"}, {"org.springframework.", "spring"},
            {"org.apache.catalina.", "tomcat"}, {"org.apache.coyote.", "tomcat"}, {"org.apache.tomcat.", "tomcat"},
            {"io.micrometer.", "micrometer"},
            {"ch.qos.logback.", "logging"}, {"org.slf4j.", "logging"}, {"org.apache.logging.", "logging"},
            {"jakarta.", "jakarta"}, {"java.", "jdk"}, {"javax.", "jdk"}, {"jdk.", "jdk"}, {"sun.", "jdk"},
            {"com.sun.", "jdk"}};

    /** The library a class belongs to, for grouping. */
    static String library(String type) {
        for (String[] library : LIBRARIES) {
            if (type.startsWith(library[0])) {
                return library[1];
            }
        }
        String[] parts = type.split("\\.");
        return parts.length > 2 ? parts[0] + "." + parts[1] : type;
    }

    /** The benchmark's thread groups (as {@link OpenLoopProbe}), from the Java thread name. */
    static String threadGroup(String thread) {
        if (thread.startsWith("http-nio")) {
            return "http requests (Tomcat)";
        }
        if (thread.startsWith("EventProcessor") || thread.startsWith("WorkPackage") || thread.startsWith("Coordinator")
                || thread.startsWith("EmbeddedEventStore") || thread.startsWith("notification") || thread.startsWith("webhook")) {
            return "event processors";
        }
        if (thread.startsWith("nioEventLoop") || thread.startsWith("mongo-server") || thread.contains("worker")) {
            return "store workers";
        }
        if (thread.startsWith("idempotency") || thread.contains("outcome")) {
            return "idempotency writer";
        }
        return "other: " + thread.replaceAll("[-#]?\\d+$", "");
    }

    /** Bytes allocated by all threads between their first and last statistics event, and by thread group. */
    Map<String, Long> allocatedByThreadGroup() {
        Map<String, Long> out = new HashMap<>();
        threadAllocated.forEach((id, range) -> out.merge(threadGroup(threadNames.get(id)), range[1] - range[0], Long::sum));
        return out;
    }

    /**
     * The report: every table's top rows as a share of its total, with per command figures when {@code commands} is
     * positive ({@code javaCpuMs}: the CPU of the process's Java threads in the window, GC and JIT excluded, which the
     * samples' shares divide).
     */
    List<String> report(String name, long commands, double javaCpuMs, int rows) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "JFR profile of %s: %d CPU samples (%d stacks truncated), %d accepted commands in the "
                                      + "window, Java threads' CPU %.0f ms (%.3f ms per command)", name, cpuSamples,
                              truncatedStacks, commands, javaCpuMs, commands > 0 ? javaCpuMs / commands : 0));
        for (Table t : List.of(cpuThreads, cpuLibrary, cpuComponent, cpuMethod)) {
            out.add("  " + t.title + ":");
            for (Map.Entry<String, Double> e : t.top(t == cpuThreads || t == cpuLibrary ? 12 : rows)) {
                double share = t.total == 0 ? 0 : e.getValue() / t.total;
                out.add(String.format(Locale.ROOT, "    %5.1f%%  %7.3f ms/command  %s", 100 * share,
                                      commands > 0 ? share * javaCpuMs / commands : 0, e.getKey()));
            }
        }
        Map<String, Long> allocated = allocatedByThreadGroup();
        long allocatedTotal = allocated.values().stream().mapToLong(Long::longValue).sum();
        out.add(String.format(Locale.ROOT, "  allocation (jdk.ThreadAllocationStatistics, exact): %.1f MB in all, %.3f MB per command",
                              allocatedTotal / 1e6, commands > 0 ? allocatedTotal / 1e6 / commands : 0));
        allocated.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                 .forEach(e -> out.add(String.format(Locale.ROOT, "    %7.1f MB  %.3f MB/command  %s", e.getValue() / 1e6,
                                                     commands > 0 ? e.getValue() / 1e6 / commands : 0, e.getKey())));
        for (Table t : List.of(allocLibrary, allocComponent, allocClass)) {
            out.add("  " + t.title + " (share of the sampled weight " + String.format(Locale.ROOT, "%.0f MB", t.total / 1e6) + "):");
            for (Map.Entry<String, Double> e : t.top(t == allocLibrary ? 12 : rows)) {
                double share = t.total == 0 ? 0 : e.getValue() / t.total;
                out.add(String.format(Locale.ROOT, "    %5.1f%%  %7.1f kB/command  %s", 100 * share,
                                      commands > 0 ? share * allocatedTotal / 1e3 / commands : 0, e.getKey()));
            }
        }
        out.add("  collections during the recording:");
        collections.forEach((gc, c) -> out.add(String.format(Locale.ROOT, "    %s: %.0f, pauses %.0f ms in all, longest %.1f ms",
                                                             gc, c[0], c[1], c[2])));
        return out;
    }

    public static void main(String[] args) throws IOException {
        JfrProfile profile = read(Path.of(args[0]));
        long commands = args.length > 1 ? Long.parseLong(args[1]) : 0;
        double cpu = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        profile.report(args[0], commands, cpu, 30).forEach(System.out::println);
    }
}
