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
        receiver.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "bench-webhook-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        receiver.createContext("/hooks/", exchange -> {
            long now = System.nanoTime();
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode notification = JSON.readTree(body);
                deliveries.increment();
                if ("share.recorded".equals(notification.path("type").asText())) {
                    if (deliveredAt.putIfAbsent(notification.path("shareId").asText(), now) != null) {
                        duplicates.increment();
                    }
                }
            } catch (Exception e) {
                // a body that is not JSON still gets its 204: the ledger's delivery is what is measured
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

    // ------------------------------------------------------------------------------------------------ A/B

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
        for (int round = 0; round < abRounds; round++) {
            // ABBA: even rounds run "running" first, odd rounds "stopped" first, so that a steady drift of the machine
            // (C2 still compiling, other load fading) falls on both arms alike over an even number of rounds
            boolean runningFirst = round % 2 == 0;
            String name = "A/B " + processor + " %s, round " + (round + 1);
            if (runningFirst) {
                running(processor, concurrency, loop, String.format(name, "running"), on, cpuOn, round);
            }
            operator("stop", processor);
            try {
                long cpu = ProcessCpu.nanos();
                off[round] = loop.run(String.format(name, "stopped"), concurrency, abSeconds);
                cpuOff[round] = ProcessCpu.msPerCommand(ProcessCpu.nanos() - cpu, off[round], abSeconds);
            } finally {
                operator("start", processor);
            }
            if (!runningFirst) {
                running(processor, concurrency, loop, String.format(name, "running"), on, cpuOn, round);
            }
        }
        awaitCaughtUp(processor);
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
    }

    /**
     * A window with the processor running, after it has caught up with the backlog of the stopped window before (not
     * counted); its CPU runs until the processor has caught up with the window's own events, so the processor's work
     * for them is counted even where it finishes after the window.
     */
    private void running(String processor, int concurrency, ClosedLoop loop, String name, double[] rate, double[] cpu,
                         int round) throws Exception {
        awaitCaughtUp(processor);
        long before = ProcessCpu.nanos();
        rate[round] = loop.run(name, concurrency, abSeconds);
        awaitCaughtUp(processor);
        cpu[round] = ProcessCpu.msPerCommand(ProcessCpu.nanos() - before, rate[round], abSeconds);
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
        }
        return lines;
    }

    private static void print(String line) {
        System.out.println("[" + java.time.Instant.now().toString().substring(11, 19) + "] " + line);
        System.out.flush();
    }
}
