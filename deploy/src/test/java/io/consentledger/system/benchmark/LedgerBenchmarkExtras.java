package io.consentledger.system.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.HdrHistogram.Histogram;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end benchmark's optional measurements for issues 11 and 12 (docs/benchmarks.md, "Tree lag, webhooks
 * and the processors' cost"). All are off by default, so {@link LedgerLoadBenchmark} runs as before:
 * <ul>
 *     <li>{@code -Dbench.treeLag=true}: during half load, {@code GET /api/v1/operator/log} is polled every
 *     {@code bench.treePollMillis} (default 10) for the tree's size; for every accepted share, the tree's lag is the
 *     time from the 201 until a poll showed the tree covering the share's position (upper and lower bounds, as the
 *     projection lag).</li>
 *     <li>{@code -Dbench.webhooks=true}: a loopback receiver (the JDK's HttpServer) in the benchmark's JVM, and one
 *     webhook per recipient (messenger, voice-assistant) for every type a recipient receives; for every accepted share
 *     of the half-load phase, the delivery latency is the time from the 201 until its {@code share.recorded}
 *     delivery arrived. Registered right after setup, so the sustained levels (and the half-load rate taken from
 *     them) run with the webhooks; {@code -Dbench.webhooksBeforeSustained=false} registers them after the sustained
 *     levels instead. Needs {@code -Dbench.appArgs=--consent-ledger.webhooks.allow-insecure-loopback=true}.</li>
 *     <li>{@code -Dbench.abProcessors=verifiable-log,notifications}: after the sustained levels, at the best
 *     concurrency, closed-loop windows of {@code bench.abSeconds} (default 20) with each named query-side processor
 *     running and stopped ({@code POST /api/v1/operator/processors/{name}/stop|start}), {@code bench.abRounds}
 *     (default 2) rounds in ABBA order (on/off, then off/on, ...; use an even number); before each "on" window the processor first catches up (not measured), so the
 *     "on" window pays only for its own events.</li>
 * </ul>
 */
final class LedgerBenchmarkExtras {

    private static final ObjectMapper JSON = new ObjectMapper();

    final boolean treeLag = Boolean.getBoolean("bench.treeLag");
    final boolean webhooks = Boolean.getBoolean("bench.webhooks");
    /**
     * Whether the webhooks are registered before the sustained levels (default), so the plateau, and the half-load
     * rate taken from it, are measured with them: they are part of the configuration under test. False registers
     * them after the sustained levels, as the first runs did.
     */
    final boolean webhooksBeforeSustained = Boolean.parseBoolean(System.getProperty("bench.webhooksBeforeSustained",
                                                                                    "true"));
    final List<String> abProcessors = Arrays.stream(System.getProperty("bench.abProcessors", "").split(","))
                                            .map(String::trim).filter(s -> !s.isEmpty()).toList();
    private final int abSeconds = Integer.getInteger("bench.abSeconds", 20);
    private final int abRounds = Integer.getInteger("bench.abRounds", 2);
    private final int treePollMillis = Integer.getInteger("bench.treePollMillis", 10);

    private final String query;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer receiver;
    private final Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private PositionTimeline tree;
    /** Issue 12's stages at half load: the notifications processor's position, and the dispatcher's backlog. */
    private PositionTimeline recorded;
    private Thread backlogSampler;
    private volatile boolean sampling;
    private final List<long[]> backlogSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The receiver's threads, whose CPU is the benchmark JVM's share that a deployment would not pay. */
    private final List<Thread> receiverThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int receiverThreadCount = Integer.getInteger("bench.receiverThreads", 16);
    private final List<String> report = new ArrayList<>();

    /** One closed-loop window: returns the rate of 2xx answers. */
    interface ClosedLoop {
        double run(String name, int concurrency, int seconds) throws Exception;
    }

    LedgerBenchmarkExtras(String query) {
        this.query = query;
    }

    boolean any() {
        return treeLag || webhooks || !abProcessors.isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ webhooks

    /** Starts the loopback receiver and registers one webhook per recipient. */
    void startWebhooks() throws Exception {
        if (!webhooks || receiver != null) {
            return;
        }
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        receiver.setExecutor(Executors.newFixedThreadPool(receiverThreadCount, r -> {
            Thread thread = new Thread(r, "bench-webhook-receiver");
            thread.setDaemon(true);
            receiverThreads.add(thread);
            return thread;
        }));
        // as cheap as a real receiver's acknowledgement: the body is read and the share id picked out of it, nothing
        // parsed or verified (the query side's tests verify the signatures with the Standard Webhooks library); the
        // ledger writes the body compactly, so a share.recorded carries "shareId":"<id>"
        receiver.createContext("/hooks/", exchange -> {
            long now = System.nanoTime();
            try (InputStream body = exchange.getRequestBody()) {
                String notification = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                deliveries.increment();
                String shareId = shareIdOf(notification);
                if (shareId != null && deliveredAt.putIfAbsent(shareId, now) != null) {
                    duplicates.increment();
                }
            } catch (Exception e) {
                // an unreadable body still gets its 204: the ledger's delivery is what is measured
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        int port = receiver.getAddress().getPort();
        for (String recipient : List.of("messenger", "voice-assistant")) {
            String body = "{\"url\":\"http://127.0.0.1:" + port + "/hooks/" + recipient + "\",\"events\":["
                          + "\"consent.requested\",\"consent.authorised\",\"consent.rejected\",\"consent.revoked\","
                          + "\"consent.reauthorised\",\"consent.expired\",\"share.recorded\"]}";
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(query + "/webhooks"))
                               .header("Authorization", "ApiKey dev-key-" + recipient)
                               .header("Content-Type", "application/json")
                               .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("Registering the webhook of " + recipient + " answered "
                                                + response.statusCode() + ": " + response.body()
                                                + " (loopback webhooks need -Dbench.appArgs="
                                                + "--consent-ledger.webhooks.allow-insecure-loopback=true)");
            }
        }
        print("Webhooks: one per recipient, to the loopback receiver on port " + port);
    }

    /** The share id of a {@code share.recorded} body, null for another notification. */
    static String shareIdOf(String body) {
        if (!body.contains("\"type\":\"share.recorded\"")) {
            return null;
        }
        int at = body.indexOf("\"shareId\":\"");
        if (at < 0) {
            return null;
        }
        int from = at + "\"shareId\":\"".length();
        int to = body.indexOf('"', from);
        return to < 0 ? null : body.substring(from, to);
    }

    void stopWebhooks() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    // ------------------------------------------------------------------------------------------------ tree lag

    void startTreeLag() {
        if (!treeLag) {
            return;
        }
        tree = PositionTimeline.tree(query, treePollMillis).start("bench-tree-poller");
    }

    void stopTreeLag() throws InterruptedException {
        if (tree != null) {
            tree.stop();
        }
    }

    // ------------------------------------------------------------------------------------------------ webhook stages

    /**
     * During half load (with webhooks): the {@code notifications} processor's position every
     * {@code bench.notificationPollMillis} (default 20), so each share's latency splits into commit -> recorded (the
     * processor's token past the share's position: its deliveries are stored and queued) and recorded -> delivered
     * (the dispatcher's queue, the attempt, the receiver); and every 250 ms the dispatcher's backlog
     * ({@code ledger_notifications_backlog}, in flight included) with the processor's distance from the head.
     */
    void startWebhookStages() {
        if (!webhooks) {
            return;
        }
        recorded = PositionTimeline.processor(query, "notifications", Integer.getInteger("bench.notificationPollMillis", 20))
                                   .start("bench-notifications-poller");
        backlogSamples.clear();
        sampling = true;
        backlogSampler = new Thread(() -> {
            long lastPrint = System.nanoTime();
            while (sampling) {
                long now = System.nanoTime();
                try {
                    long backlog = deliveryBacklog();
                    long head = -1;
                    long position = -1;
                    for (JsonNode p : get("/operator/processors")) {
                        head = Math.max(head, p.path("headPosition").asLong(-1));
                        if ("notifications".equals(p.path("name").asText())) {
                            position = p.path("slowestPosition").asLong(-1);
                        }
                    }
                    long behind = head >= 0 && position >= 0 ? Math.max(0, head - position) : -1;
                    backlogSamples.add(new long[] {now, backlog, behind});
                    if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
                        print("  notifications: processor " + behind + " events behind the head, dispatcher backlog "
                              + backlog);
                        lastPrint = now;
                    }
                } catch (Exception e) {
                    // a missed sample
                }
                LockSupport.parkNanos(now + TimeUnit.MILLISECONDS.toNanos(250) - System.nanoTime());
            }
        }, "bench-backlog-sampler");
        backlogSampler.setDaemon(true);
        backlogSampler.start();
    }

    void stopWebhookStages() throws InterruptedException {
        // the half load's last shares: recorded and delivered before the samplers stop (at most 30 s)
        long start = System.nanoTime();
        while (sampling && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            long[] last = backlogSamples.isEmpty() ? null : backlogSamples.get(backlogSamples.size() - 1);
            if (last != null && last[0] > start && last[1] == 0 && last[2] == 0) {
                break;
            }
            Thread.sleep(100);
        }
        if (recorded != null) {
            recorded.stop();
        }
        sampling = false;
        if (backlogSampler != null) {
            backlogSampler.join();
        }
    }

    /** CPU time of the receiver's threads so far (nanoseconds). */
    private long receiverCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : receiverThreads) {
            long cpu = threads.getThreadCpuTime(thread.getId());
            sum += Math.max(0, cpu);
        }
        return sum;
    }

    /** CPU time per process so far (nanoseconds): bench (this JVM), store, command, query (summed over instances). */
    private static Map<String, Long> cpuByProcess() {
        Map<String, Long> cpu = new java.util.TreeMap<>();
        java.util.stream.Stream.concat(java.util.stream.Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .forEach(p -> {
                    String line = p.info().commandLine().orElse("");
                    String name = p.pid() == ProcessHandle.current().pid() ? "bench"
                            : line.contains("EmbeddedStoreLauncher") ? "store"
                            : line.contains("query-side") ? "query"
                            : line.contains("command-side") ? "command" : "other";
                    cpu.merge(name, p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L), Long::sum);
                });
        return cpu;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new java.util.TreeMap<>();
        after.forEach((k, v) -> diff.put(k, v - before.getOrDefault(k, 0L)));
        return diff;
    }

    // ------------------------------------------------------------------------------------------------ A/B

    /**
     * With {@code -Dbench.abJfr=true} (off by default): after the A/B rounds, one more window with the processor
     * running, not counted, while JFR ({@code settings=profile}) records the query side and the store into the log
     * directory: where the running arm's extra CPU goes.
     */
    private void profileRunning(String processor, int concurrency, ClosedLoop loop) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark")
                .toAbsolutePath();
        java.nio.file.Files.createDirectories(dir);
        List<ProcessHandle> profiled = ProcessHandle.current().descendants().filter(p -> {
            String line = p.info().commandLine().orElse("");
            return line.contains("EmbeddedStoreLauncher") || line.contains("query-side");
        }).toList();
        for (ProcessHandle process : profiled) {
            String name = process.info().commandLine().orElse("").contains("EmbeddedStoreLauncher") ? "store" : "query";
            Process jcmd = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "JFR.start name=ab settings=profile duration=" + (abSeconds + 2) + "s filename="
                    + dir.resolve("ab-" + processor + "-" + name + "-" + process.pid() + ".jfr"))
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            print(name + " JFR: " + out.trim().replace('\n', ' '));
        }
        loop.run("A/B " + processor + " running, with JFR (not counted)", concurrency, abSeconds);
        Thread.sleep(5_000); // the recordings end and are written
        awaitCaughtUp(processor);
    }

    /** Closed-loop windows at {@code concurrency} with each processor running and stopped. */
    void abPhase(int concurrency, ClosedLoop loop) {
        for (String processor : abProcessors) {
            try {
                abPhase(processor, concurrency, loop);
            } catch (Exception e) {
                report.add("A/B " + processor + " failed: " + e);
                print("A/B " + processor + " failed: " + e);
            }
        }
    }

    private void abPhase(String processor, int concurrency, ClosedLoop loop) throws Exception {
        double[] on = new double[abRounds];
        double[] off = new double[abRounds];
        double[] cpuOn = new double[abRounds];
        double[] cpuOff = new double[abRounds];
        Map<String, double[]> byProcessOn = new java.util.TreeMap<>();
        Map<String, double[]> byProcessOff = new java.util.TreeMap<>();
        for (int round = 0; round < abRounds; round++) {
            // ABBA: even rounds run "running" first, odd rounds "stopped" first, so that a steady drift of the machine
            // (C2 still compiling, other load fading) falls on both arms alike over an even number of rounds
            boolean runningFirst = round % 2 == 0;
            String name = "A/B " + processor + " %s, round " + (round + 1);
            if (runningFirst) {
                running(processor, concurrency, loop, String.format(name, "running"), on, cpuOn, round, byProcessOn);
            }
            operator("stop", processor);
            try {
                long cpu = ProcessCpu.nanos();
                Map<String, Long> processes = cpuByProcess();
                long receiving = receiverCpu();
                off[round] = loop.run(String.format(name, "stopped"), concurrency, abSeconds);
                cpuOff[round] = ProcessCpu.msPerCommand(ProcessCpu.nanos() - cpu, off[round], abSeconds);
                perProcess(byProcessOff, minus(cpuByProcess(), processes), receiverCpu() - receiving, off[round], round);
            } finally {
                operator("start", processor);
            }
            if (!runningFirst) {
                running(processor, concurrency, loop, String.format(name, "running"), on, cpuOn, round, byProcessOn);
            }
        }
        awaitCaughtUp(processor);
        if (Boolean.getBoolean("bench.abJfr")) {
            profileRunning(processor, concurrency, loop);
        }
        double meanOn = Arrays.stream(on).average().orElse(0);
        double meanOff = Arrays.stream(off).average().orElse(0);
        double drop = meanOff == 0 ? 0 : (meanOff - meanOn) / meanOff * 100;
        report.add(String.format(Locale.ROOT, "A/B %s at concurrency %d, %d x %d s each, in ABBA order: running %s -> mean %.1f/s; "
                                             + "stopped %s -> mean %.1f/s; throughput drop with it running %.1f%% "
                                             + "(target <= 10%%: %s)",
                                 processor, concurrency, abRounds, abSeconds, rates(on), meanOn, rates(off), meanOff,
                                 drop, drop <= 10 ? "PASS" : "FAIL"));
        report.add("  CPU per accepted command (benchmark, store and applications, from /proc; a running window "
                   + "includes its catch-up): " + ProcessCpu.compare("running", cpuOn, "stopped", cpuOff));
        for (String part : byProcessOn.keySet()) {
            report.add("    " + part + ": " + ProcessCpu.compare("running", byProcessOn.get(part), "stopped",
                    byProcessOff.getOrDefault(part, new double[abRounds])));
        }
    }

    /** Adds a window's CPU per accepted command, per process (and the receiver's threads, part of "bench"). */
    private void perProcess(Map<String, double[]> into, Map<String, Long> cpu, long receiver, double rate, int round) {
        cpu.forEach((part, nanos) -> into.computeIfAbsent(part, k -> new double[abRounds])[round] =
                ProcessCpu.msPerCommand(nanos, rate, abSeconds));
        if (webhooks) {
            into.computeIfAbsent("bench: webhook receiver threads", k -> new double[abRounds])[round] =
                    ProcessCpu.msPerCommand(receiver, rate, abSeconds);
        }
    }

    /**
     * A window with the processor running, after it has caught up with the backlog of the stopped window before (not
     * counted); its CPU runs until the processor has caught up with the window's own events, so the processor's work
     * for them is counted even where it finishes after the window.
     */
    private void running(String processor, int concurrency, ClosedLoop loop, String name, double[] rate, double[] cpu,
                         int round, Map<String, double[]> byProcess) throws Exception {
        awaitCaughtUp(processor);
        long before = ProcessCpu.nanos();
        Map<String, Long> processes = cpuByProcess();
        long receiving = receiverCpu();
        rate[round] = loop.run(name, concurrency, abSeconds);
        awaitCaughtUp(processor);
        cpu[round] = ProcessCpu.msPerCommand(ProcessCpu.nanos() - before, rate[round], abSeconds);
        perProcess(byProcess, minus(cpuByProcess(), processes), receiverCpu() - receiving, rate[round], round);
    }

    private static String rates(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v)).toList().toString();
    }

    private void operator(String action, String processor) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(query + "/operator/processors/" + processor + "/" + action))
                                         .header("Authorization", "ApiKey dev-key-operator")
                                         .timeout(Duration.ofSeconds(60))
                                         .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // a pooled connection the server had closed: stop and start are idempotent, so once more on a new client
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                                 .send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(action + " " + processor + " answered " + response.statusCode() + ": "
                                            + response.body());
        }
    }

    /**
     * Until the processor has caught up with the head (for the tree: until the tree covers the head), at most 120 s,
     * so that a window with it running does not pay for the backlog of a window with it stopped.
     */
    private void awaitCaughtUp(String processor) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
            JsonNode processors = get("/operator/processors");
            long head = -1;
            long position = -1;
            for (JsonNode p : processors) {
                head = Math.max(head, p.path("headPosition").asLong(-1));
                if (processor.equals(p.path("name").asText()) && p.path("segmentsClaimed").asInt() > 0) {
                    position = p.path("slowestPosition").asLong(-1);
                }
            }
            if ("verifiable-log".equals(processor)) {
                position = get("/operator/log").path("treeSize").asLong() - 1;
            }
            if (head >= 0 && position >= head && (!"notifications".equals(processor) || deliveryBacklog() == 0)) {
                break;
            }
            Thread.sleep(100);
        }
        print(String.format(Locale.ROOT, "%s caught up in %.1f s", processor,
                                                    (System.nanoTime() - start) / 1e9));
    }

    /**
     * Until the webhooks' delivery backlog is empty (at most 300 s): deliveries of earlier phases must not queue ahead
     * of the half-load phase's, whose latency is measured from an empty backlog (as the projection lag is).
     */
    void awaitDeliveries() throws Exception {
        if (!webhooks) {
            return;
        }
        long start = System.nanoTime();
        long backlog = -1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(300) && (backlog = deliveryBacklog()) != 0) {
            Thread.sleep(200);
        }
        print(String.format(Locale.ROOT, "Webhook deliveries drained in %.1f s (backlog %d)",
                            (System.nanoTime() - start) / 1e9, backlog));
    }

    /** The sum of {@code ledger_notifications_backlog} over the webhooks, from the query side's Prometheus scrape. */
    private long deliveryBacklog() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(query.replace("/api/v1", "") + "/actuator/prometheus"))
                           .header("Authorization", "ApiKey dev-key-operator").timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("ledger_notifications_backlog")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(query + path)).header("Authorization", "ApiKey dev-key-operator")
                           .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    // ------------------------------------------------------------------------------------------------ report

    /**
     * The extras' lines for the report: tree lag and webhook delivery latency for every share accepted during the
     * half-load phase ({@code shareAnsweredAt}: shareId -> nanoTime of its 201; {@code byShare}: shareId ->
     * {globalPosition}), and the A/B lines.
     */
    List<String> report(Map<String, Long> shareAnsweredAt, Map<String, long[]> byShare) {
        try {
            return lines(shareAnsweredAt, byShare);
        } catch (RuntimeException e) {
            return List.of("The extras' report failed: " + e);
        }
    }

    private List<String> lines(Map<String, Long> shareAnsweredAt, Map<String, long[]> byShare) {
        List<String> lines = new ArrayList<>(report);
        if (tree != null) {
            PositionTimeline.Lag lag = tree.lag(shareAnsweredAt, byShare);
            lines.add(String.format(Locale.ROOT, "Tree lag (201 answer -> the tree covers the share's position), every "
                                                 + "accepted share of the half-load phase (%d polls every %d ms; %s) "
                                                 + "(target p99 <= 1 s: %s)",
                                     tree.size(), treePollMillis, lag.figures(),
                                     lag.count() > 0 && lag.p99Upper() <= 1000 ? "PASS" : "FAIL"));
        }
        if (webhooks) {
            Histogram latency = new Histogram(3);
            long missing = 0;
            long beforeAnswer = 0;
            for (Map.Entry<String, Long> share : shareAnsweredAt.entrySet()) {
                Long arrived = deliveredAt.get(share.getKey());
                if (arrived == null) {
                    missing++;
                    continue;
                }
                long value = arrived - share.getValue();
                if (value <= 0) {
                    beforeAnswer++;
                }
                latency.recordValue(Math.max(1, value));
            }
            double p99 = latency.getValueAtPercentile(99) / 1e6;
            lines.add(String.format(Locale.ROOT, "Webhook delivery latency (201 answer -> share.recorded arrived at the "
                                                 + "loopback receiver), every accepted share of the half-load phase "
                                                 + "(n=%d, not delivered %d, arrived before the 201 %d; %d deliveries "
                                                 + "received in the run, %d duplicate shares): p50 %.1f ms, p90 %.1f ms, "
                                                 + "p99 %.1f ms, max %.1f ms (target p99 <= 1 s: %s)",
                                     latency.getTotalCount(), missing, beforeAnswer, deliveries.sum(), duplicates.sum(),
                                     latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                                     p99, latency.getMaxValue() / 1e6,
                                     latency.getTotalCount() > 0 && missing == 0 && p99 <= 1000 ? "PASS" : "FAIL"));
            lines.addAll(stages(shareAnsweredAt, byShare));
        }
        return lines;
    }

    /**
     * Where the delivery latency goes: commit -> recorded (the notifications processor's position past the share's)
     * and recorded -> delivered (queue, attempt, receiver), and the backlog samples of the half load.
     */
    private List<String> stages(Map<String, Long> shareAnsweredAt, Map<String, long[]> byShare) {
        List<String> lines = new ArrayList<>();
        if (recorded == null) {
            return lines;
        }
        PositionTimeline.Lag lag = recorded.lag(shareAnsweredAt, byShare);
        lines.add("  stage 1, commit -> recorded (201 answer -> the notifications processor's token past the share's "
                  + "position; " + recorded.size() + " polls): " + lag.figures());
        Histogram upper = new Histogram(3);
        Histogram lower = new Histogram(3);
        for (Map.Entry<String, Long> share : shareAnsweredAt.entrySet()) {
            Long arrived = deliveredAt.get(share.getKey());
            long[] record = byShare.get(share.getKey());
            long[] reached = record == null ? null : recorded.reached(record[0]);
            if (arrived == null || reached == null) {
                continue;
            }
            upper.recordValue(Math.max(1, arrived - Math.max(reached[0], share.getValue())));
            lower.recordValue(Math.max(1, arrived - Math.max(reached[1], share.getValue())));
        }
        lines.add(String.format(Locale.ROOT, "  stage 2, recorded -> delivered (from the poll that showed it recorded, "
                                             + "or its 201 if later, to its arrival; n=%d): upper bound p50 %.1f ms, "
                                             + "p90 %.1f ms, p99 %.1f ms, max %.1f ms; lower bound p50 %.1f ms, p99 %.1f ms",
                                 upper.getTotalCount(), upper.getValueAtPercentile(50) / 1e6,
                                 upper.getValueAtPercentile(90) / 1e6, upper.getValueAtPercentile(99) / 1e6,
                                 upper.getMaxValue() / 1e6, lower.getValueAtPercentile(50) / 1e6,
                                 lower.getValueAtPercentile(99) / 1e6));
        List<long[]> samples;
        synchronized (backlogSamples) {
            samples = new ArrayList<>(backlogSamples);
        }
        if (!samples.isEmpty()) {
            Histogram backlog = new Histogram(3);
            Histogram behind = new Histogram(3);
            for (long[] sample : samples) {
                backlog.recordValue(Math.max(0, sample[1]));
                if (sample[2] >= 0) {
                    behind.recordValue(sample[2]);
                }
            }
            lines.add(String.format(Locale.ROOT, "  sampled every 250 ms (n=%d): dispatcher backlog (queued and in "
                                                 + "flight) p50 %d, p90 %d, max %d; notifications processor behind the "
                                                 + "head p50 %d, p90 %d, max %d events",
                                     samples.size(), backlog.getValueAtPercentile(50), backlog.getValueAtPercentile(90),
                                     backlog.getMaxValue(), behind.getValueAtPercentile(50),
                                     behind.getValueAtPercentile(90), behind.getMaxValue()));
        }
        return lines;
    }

    private static void print(String line) {
        System.out.println("[" + java.time.Instant.now().toString().substring(11, 19) + "] " + line);
        System.out.flush();
    }
}
