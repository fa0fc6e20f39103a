package io.consentledger.system.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentledger.system.Api;
import io.consentledger.system.LedgerProcesses;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end load benchmark: the packaged applications and the embedded store as processes
 * ({@link LedgerProcesses}), driven over HTTP with developer API keys through a mix of links, consent requests,
 * authorisations, revocations and shares. Not a test: run it with the Maven profile {@code load-benchmark}
 * (see docs/benchmarks.md, "End-to-end benchmark"). With {@code CONSENT_LEDGER_TEST_MONGODB_URI} set it runs on that
 * MongoDB instead ({@link io.consentledger.system.ExternalStore}): there is no store process, so the store's CPU, heap
 * and pause figures are absent from the output, and the CPU sums cover the applications and the benchmark only.
 *
 * <p>Phases:
 * <ol>
 *     <li><b>Setup</b>: {@code bench.consents} customers, each with a link, a consent and its authorisation.</li>
 *     <li><b>Floor</b>: the same generator on an authenticated request answered without Axon or the store
 *     ({@link #floor}), and wrk on the same request to check the generator; measured again after the sustained
 *     levels. The figure of record is the plateau over the higher floor.</li>
 *     <li><b>Sustained</b> (closed loop): for each concurrency in {@code bench.levels}, that many callers send the
 *     next command as soon as the last one is answered, for {@code bench.stepSeconds} (the first level after a
 *     warm-up of at least {@code bench.warmupSeconds} that goes on until throughput stops rising, at most
 *     {@code bench.warmupMaxSeconds}). The plateau is the best level's rate of answered commands.</li>
 *     <li><b>Encryption A/B</b> (issue 16, {@code bench.encryptionAB=true}, off by default): at the best concurrency,
 *     windows sent to command-2 (encryption on) and command-3 ({@code consent-ledger.privacy.encrypt=false}) in
 *     ABBA order ({@link #encryptionAB}); command-1, started first, holds the command side's tracking processors and
 *     gets no load ({@code bench.encryptionAbHolder=false}: two instances, command-1 on, command-2 off).</li>
 *     <li><b>Half load</b> (open loop): after a drain ({@link #drain}), commands at half the plateau rate, for
 *     {@code bench.halfSeconds}, each scheduled at a fixed instant; latency is measured from that intended instant, so
 *     a stall of the system is counted against every command that should have been sent during it (no coordinated
 *     omission), and apart from the actual send (the service time). Meanwhile the query side's {@code access-log}
 *     position is polled every {@code bench.pollMillis} to measure projection lag (see {@link #lag}), and
 *     {@link OpenLoopProbe} keeps a per-second timeline with each JVM's pauses. One loop per entry of
 *     {@code bench.openGenerators}.</li>
 *     <li><b>Top-up</b>: shares only, closed loop, until {@code bench.records} access records exist.</li>
 *     <li><b>Audit queries</b>: {@code bench.auditQueries} sequential auditor requests of each kind.</li>
 *     <li><b>Heap</b> of every process.</li>
 * </ol>
 */
public final class LedgerLoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PURPOSES = {"FRAUD_ALERTS", "CUSTOMER_SERVICE", "PERSONAL_FINANCE"};

    private final int consents = Integer.getInteger("bench.consents", 1000);
    private final int[] levels = Arrays.stream(System.getProperty("bench.levels", "8,16,32,64").split(","))
                                       .map(String::trim).mapToInt(Integer::parseInt).toArray();
    private final int warmupSeconds = Integer.getInteger("bench.warmupSeconds", 150);
    private final int warmupWindowSeconds = Integer.getInteger("bench.warmupWindowSeconds", 15);
    private final int warmupMaxSeconds = Integer.getInteger("bench.warmupMaxSeconds", 300);
    private final int stepSeconds = Integer.getInteger("bench.stepSeconds", 20);
    private final int halfSeconds = Integer.getInteger("bench.halfSeconds", 60);
    private final int records = Integer.getInteger("bench.records", 100_000);
    private final int auditQueries = Integer.getInteger("bench.auditQueries", 100);
    private final int pollMillis = Integer.getInteger("bench.pollMillis", 5);
    private final int clientThreads = Integer.getInteger("bench.clientThreads", 4);
    /**
     * Issue 16 (p7-encab): {@code bench.encryptionAbHolder} (true by default in the encryption A/B) starts a third
     * command-side instance first, alone, so that it claims the command side's tracking processors (which read every
     * instance's events); it gets none of the benchmark's load, and the A/B's arms are the two instances after it.
     * False: the design of runs 1–7, two instances, the processors on one of the arms.
     */
    private final boolean encryptionAbHolder = Boolean.getBoolean("bench.encryptionAB")
            && Boolean.parseBoolean(System.getProperty("bench.encryptionAbHolder", "true"));
    /** 1 when command-1 is the processor holder: the benchmark's command URLs start at command-2. */
    private final int holderOffset = encryptionAbHolder ? 1 : 0;
    private final int commandInstances = Boolean.getBoolean("bench.encryptionAB")
            ? (encryptionAbHolder ? 3 : Math.max(2, Integer.getInteger("bench.commandInstances", 2)))
            : Integer.getInteger("bench.commandInstances", 1);
    private final int queryInstances = Integer.getInteger("bench.queryInstances", 1);
    private final double halfFraction = Double.parseDouble(System.getProperty("bench.halfFraction", "0.5"));
    /** Empty: the product's default limits for providers, recipients and auditors; else this for each of them. */
    private final String rateLimit = System.getProperty("bench.rateLimit", "").trim();
    private final String operatorRateLimit = System.getProperty("bench.operatorRateLimit", "100000");
    /** The floor: an authenticated request that passes every filter and is answered without Axon or the store. */
    private final String floorPath = System.getProperty("bench.floorPath", "/actuator/info");
    private final int floorConcurrency = Integer.getInteger("bench.floorConcurrency", 16);
    private final int floorWarmupSeconds = Integer.getInteger("bench.floorWarmupSeconds", 20);
    private final int floorSeconds = Integer.getInteger("bench.floorSeconds", 15);
    /** Measure the same floor with wrk (if on the PATH) right after the generator, to check the generator. */
    private final boolean floorWrk = Boolean.parseBoolean(System.getProperty("bench.floorWrk", "true"));
    /** The closed loops' generator: {@code raw} ({@link KeepAliveHttp}, the default) or {@code jdk} (HttpClient). */
    private final boolean rawGenerator = !"jdk".equals(System.getProperty("bench.generator", "raw"));
    /**
     * Issue 16: {@code bench.encryptionAB=true} runs two command-side instances on the same store, the second with
     * {@code consent-ledger.privacy.encrypt=false} (a measurement switch, not for production), both warmed by the same
     * mixed load; after the sustained levels, at the best concurrency, each instance gets its own customers and
     * windows of {@code bench.encryptionAbSeconds} compare them side by side and one at a time ({@link #encryptionAB}).
     */
    private final boolean encryptionAB = Boolean.getBoolean("bench.encryptionAB");
    /**
     * Which command-side instance encrypts in the A/B ({@code bench.encryptionOnInstance}, 1 by default; 2 swaps the
     * arms, so that the instance that holds the command side's tracking processors, usually command-1, is the one
     * that stores in the clear: a pair of runs with the arms swapped cancels that instance's extra work).
     */
    private final int encryptionOnIndex = Integer.getInteger("bench.encryptionOnInstance", 1) == 2 ? 1 : 0;
    private final String onName = "command-" + (encryptionOnIndex + 1 + holderOffset);
    private final String offName = "command-" + (2 - encryptionOnIndex + holderOffset);
    private final int encryptionAbSeconds = Integer.getInteger("bench.encryptionAbSeconds", 20);
    private final int encryptionAbRounds = Integer.getInteger("bench.encryptionAbRounds", 8);
    private final int encryptionAbSoloRounds = Integer.getInteger("bench.encryptionAbSoloRounds", 4);
    private final int encryptionAbConsents = Integer.getInteger("bench.encryptionAbConsents", 1000);
    private final int encryptionAbLeadSeconds = Integer.getInteger("bench.encryptionAbLeadSeconds", 5);
    /**
     * p8-encab: the side-by-side warm-up of the encryption A/B (unmeasured windows of {@code bench.encryptionAbSeconds},
     * both arms at once) goes on until both arms' CPU per accepted command has settled: a window settles an arm when its
     * CPU per command is no more than 5% below the lowest of that arm's earlier warm-up windows; the warm-up ends after
     * two windows in a row that settle both arms, at least {@code bench.encryptionAbWarmupMinWindows} windows, at most
     * {@code bench.encryptionAbWarmupMaxWindows} (then the measured windows start anyway, and the report says so).
     * Runs 8 and 9 had one 20 s window: both arms' CPU per command kept falling 2–3x for minutes (the JIT), the
     * encrypting arm's more, and the ratio rose from 0.71 to 0.99 across the measured windows (docs/decisions.md).
     */
    private final int encryptionAbWarmupMinWindows = Integer.getInteger("bench.encryptionAbWarmupMinWindows", 3);
    private final int encryptionAbWarmupMaxWindows = Integer.getInteger("bench.encryptionAbWarmupMaxWindows", 15);
    /**
     * p8-encab, after run 10: a window settles an arm only if, besides the rule above, the arm's C2 compiler thread used
     * less than this share of the arm's CPU in it ({@code bench.encryptionAbWarmupMaxC2Share}; 1 turns the condition
     * off). In run 10 the CPU rule ended the warm-up after 3 windows while each arm's C2 thread was still compiling
     * about 200 methods per window (19 s of compile time in 20 s), a quarter of the arm's CPU (docs/decisions.md).
     */
    private final double encryptionAbWarmupMaxC2Share =
            Double.parseDouble(System.getProperty("bench.encryptionAbWarmupMaxC2Share", "0.10"));

    /**
     * The half load's generators (p6-latency), comma-separated, each its own open loop in this order after a drain
     * ({@link #drain}); the first is the figure of record. {@code raw}: blocking kept-alive sends on a pool of up to
     * {@code bench.openThreads} threads; {@code jdk}: the JDK HttpClient's sendAsync (the runs before p6-latency).
     */
    private final List<String> openGenerators = Arrays.stream(System.getProperty("bench.openGenerators", "raw").split(","))
                                                      .map(String::trim).filter(g -> !g.isEmpty()).toList();
    private final int openThreads = Integer.getInteger("bench.openThreads", 512);
    /** The drain before an open loop: the system's CPU below this many cores for quietSeconds in a row. */
    private final double quietCpu = Double.parseDouble(System.getProperty("bench.quietCpu", "0.25"));
    private final int quietSeconds = Integer.getInteger("bench.quietSeconds", 3);
    private final int quietMaxSeconds = Integer.getInteger("bench.quietMaxSeconds", 60);
    /** Each JVM's GC and safepoint log (jcmd VM.log, started after start-up), read for the open loops' pauses. */
    private final boolean gcLog = Boolean.parseBoolean(System.getProperty("bench.gcLog", "true"));
    private Map<String, Path> pauseLogs = Map.of();
    /**
     * Issue 17 (p8-profile): {@code bench.jfr=true} (off by default) adds, after the half load, two closed-loop windows of {@code bench.jfrSeconds} at the plateau's concurrency: one to measure each
     * process's CPU per accepted command by thread group, then one with a JFR recording ({@code settings=profile}) of
     * every application and the store, written to the log directory and summarised by {@link JfrProfile}.
     */
    private final boolean jfr = Boolean.getBoolean("bench.jfr");
    private final int jfrSeconds = Integer.getInteger("bench.jfrSeconds", 40);

    /** Extra arguments for every application, space-separated (for example a setting to compare). */
    private final List<String> appArgs = Arrays.stream(System.getProperty("bench.appArgs", "").trim().split("\\s+"))
                                               .filter(a -> !a.isBlank()).toList();

    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final HttpClient http;
    private final ExecutorService httpExecutor;

    private LedgerProcesses ledger;
    private List<String> command;
    private String query;
    private final AtomicLong counter = new AtomicLong();

    /** The consents and links the commands act on: every phase's but the encryption A/B's ({@link #pool()}). */
    private final Pool sharedPool = new Pool(-1, consents);
    /** The encryption A/B's pool of the calling thread, if any. */
    private final ThreadLocal<Pool> threadPool = new ThreadLocal<>();
    private final List<String> customers = new CopyOnWriteArrayList<>();
    private final LongAdder sharesAccepted = new LongAdder();

    private record LinkRef(String linkId, String customerId, int bank) {
    }

    private record ConsentRef(String consentId, LinkRef link, int recipient) {
    }

    /**
     * Customers, links and consents that commands act on, and the command-side instance they go to ({@code -1}: any,
     * at random). The encryption A/B gives each instance its own, so that no instance's cached aggregates go stale
     * because the other appended to them.
     */
    private static final class Pool {
        final int instance;
        final int size;
        /** Authorised consents that shares may go to. */
        final CopyOnWriteArrayList<ConsentRef> shareable = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<LinkRef> linksWithoutConsent = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<ConsentRef> awaitingAuthorisation = new ConcurrentLinkedQueue<>();

        Pool(int instance, int size) {
            this.instance = instance;
            this.size = size;
        }
    }

    private Pool pool() {
        Pool pool = threadPool.get();
        return pool == null ? sharedPool : pool;
    }

    private enum Kind { NOOP, LINK, REQUEST, AUTHORISE, REVOKE, SHARE_BALANCE, SHARE_TRANSACTIONS }

    /** One command ready to send, and what to do with its answer. */
    private record Op(Kind kind, HttpRequest request, Runnable onSuccess, String shareId) {
    }

    /** Outcome counters by kind and status class. */
    private static final class Outcomes {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void count(Kind kind, int status) {
            counts.computeIfAbsent(kind + " " + status, k -> new LongAdder()).increment();
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                  .forEach(e -> b.append(e.getKey()).append('=').append(e.getValue().sum()).append("  "));
            return b.toString();
        }
    }

    private LedgerLoadBenchmark() {
        httpExecutor = Executors.newFixedThreadPool(clientThreads, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor)
                         .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        LedgerLoadBenchmark benchmark = new LedgerLoadBenchmark();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // stopped with SIGTERM: stop the applications too
            if (benchmark.ledger != null) {
                benchmark.ledger.close();
            }
        }));
        try {
            benchmark.runAll();
        } finally {
            benchmark.httpExecutor.shutdownNow();
        }
        System.exit(0);
    }

    private void runAll() throws Exception {
        print("End-to-end load benchmark, run " + run + ": " + commandInstances + " command-side and " + queryInstances
                      + " query-side instance(s), levels " + Arrays.toString(levels) + ", warm-up " + warmupSeconds
                      + " s, steps " + stepSeconds + " s, half load " + halfSeconds + " s, records " + records
                      + ", JVM options for the applications '" + System.getProperty("ledger.jvmOptions", "") + "', heap "
                      + System.getProperty("ledger.appHeap", "512m") + ", store heap " + System.getProperty("ledger.storeHeap", "512m"));
        long started = System.nanoTime();
        privateCopy("ledger.commandJar");
        privateCopy("ledger.queryJar");
        // The operator's limit is raised for the floor and the lag poller; the parties that send commands keep the
        // product's defaults (issue 17 part 3: they must not throttle this load) unless bench.rateLimit is set.
        List<String> args = new ArrayList<>(List.of(
                "--consent-ledger.security.rate-limit.per-party.operator.requests-per-second=" + operatorRateLimit,
                "--consent-ledger.security.rate-limit.per-party.operator.burst=" + operatorRateLimit));
        if (!rateLimit.isBlank()) {
            for (String kind : List.of("provider", "recipient", "auditor")) {
                args.add("--consent-ledger.security.rate-limit.per-party." + kind + ".requests-per-second=" + rateLimit);
                args.add("--consent-ledger.security.rate-limit.per-party." + kind + ".burst=" + rateLimit);
            }
        }
        args.addAll(appArgs);
        print("Application arguments: " + args);
        if (encryptionAB) {
            System.setProperty("ledger.args." + offName, "--consent-ledger.privacy.encrypt=false");
            print("Encryption A/B: " + onName + " encrypts personal data, " + offName + " stores it in the clear");
            if (encryptionAbHolder) {
                // command-1 is started and ready before the others, so it claims the processors' segments
                System.setProperty("ledger.commandFirstAlone", "true");
                print("Encryption A/B: command-1 starts first and holds the command side's tracking processors; "
                              + "the benchmark sends it no load");
            }
        }
        ledger = LedgerProcesses.start("load-benchmark", commandInstances, queryInstances, args.toArray(String[]::new));
        print(storeLine());
        command = new ArrayList<>();
        for (int i = holderOffset; i < commandInstances; i++) { // never the processor holder (A/B)
            command.add(ledger.command(i) + "/api/v1");
        }
        query = ledger.query(0) + "/api/v1";
        print("Started in " + seconds(started) + " s: command side " + command + ", query side " + query);
        if (gcLog) {
            Path dir = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark");
            Files.createDirectories(dir);
            pauseLogs = OpenLoopProbe.startPauseLogs(probePids(), dir);
            print("GC and safepoint logs (jcmd VM.log): " + pauseLogs.values());
        }

        if (jfr) {
            initialiseJfr();
        }
        setup();
        LedgerBenchmarkExtras extras = new LedgerBenchmarkExtras(query); // issues 11 and 12; off by default
        if (extras.webhooksBeforeSustained) {
            extras.startWebhooks(); // part of the configuration under test: the plateau and half load include them
        }

        // The floor: the same generator, an authenticated request answered without Axon or the store.
        FloorResult floor = floor("floor");

        // Sustained: closed loop per concurrency level.
        double plateau = 0;
        double plateauShares = 0;
        int bestLevel = levels[0];
        List<String> levelLines = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            if (i == 0 && warmupSeconds > 0) {
                warmUp();
            }
            ClosedResult result = closedLoop("sustained c=" + levels[i], levels[i], stepSeconds, false);
            levelLines.add(String.format(Locale.ROOT, "concurrency %4d: %8.1f commands/s answered 2xx (%8.1f all), "
                                                 + "of which shares %8.1f/s, latency p50 %6.1f ms, p99 %6.1f ms, max %7.1f ms",
                                         levels[i], result.okPerSecond, result.allPerSecond, result.sharesPerSecond,
                                         ms(result.latency, 50), ms(result.latency, 99), result.latency.getMaxValue() / 1e6));
            if (result.okPerSecond > plateau) {
                plateau = result.okPerSecond;
                plateauShares = result.sharesPerSecond;
                bestLevel = levels[i];
            }
        }
        // The floor again, now that the mix has warmed everything: the ratio uses the higher of the two floors.
        FloorResult floorAfter = floor("floor after the mix");
        double floorRate = Math.max(floor.perSecond, floorAfter.perSecond);
        double ratio = plateau / floorRate;

        extras.startWebhooks(); // if not yet: after the sustained levels (-Dbench.webhooksBeforeSustained=false)
        extras.abPhase(bestLevel, (name, concurrency, seconds) -> closedLoop(name, concurrency, seconds, false).okPerSecond());
        String encryption = encryptionAB ? encryptionAB(bestLevel) : null;

        // Half load: open loop at a fixed rate, with projection lag; one loop per generator, each after a drain.
        double rate = plateau * halfFraction;
        awaitProjection("before half load"); // the closed loop leaves a backlog: lag is measured from an empty one
        extras.awaitDeliveries();
        List<OpenResult> halves = new ArrayList<>();
        List<String> drains = new ArrayList<>();
        for (int g = 0; g < openGenerators.size(); g++) {
            drains.add(drain("half load " + (g + 1) + " (" + openGenerators.get(g) + ")"));
            if (g == 0) {
                extras.startTreeLag();
                extras.startWebhookStages();
            }
            halves.add(openLoop(openGenerators.get(g), rate, halfSeconds));
            if (g == 0) {
                extras.stopTreeLag();
                extras.stopWebhookStages();
            }
        }
        OpenResult half = halves.get(0);
        // after the half load, so that the profile's recording cannot touch the figures of record
        List<String> profile = jfr ? profileWindows(bestLevel) : List.of();

        // Top-up to the number of access records wanted.
        awaitProjection("after half load");
        long stored = exportAccessRecords().size();
        if (stored < records) {
            print("Top-up: " + stored + " access records stored, " + records + " wanted");
            topUp(records - stored, bestLevel);
            awaitProjection("after top-up");
        }
        Map<String, long[]> byShare = exportAccessRecords();
        stored = byShare.size();
        PositionTimeline.Lag lag = half.timeline().lag(half.shareAnsweredAt(), byShare);
        List<PositionTimeline.Lag> lags = new ArrayList<>();
        for (OpenResult h : halves) {
            lags.add(h.timeline().lag(h.shareAnsweredAt(), byShare));
        }

        // Audit queries.
        Histogram accessQuery = auditQueries("access?customerId=", id -> query + "/audit/access?customerId=" + id);
        Histogram recipientsQuery = auditQueries("customers/{id}/recipients",
                                                 id -> query + "/audit/customers/" + id + "/recipients");

        // Heap.
        List<String> heap = heap();

        // Report.
        StringBuilder r = new StringBuilder();
        r.append("\n=== End-to-end benchmark: results (run ").append(run).append(", ").append(Instant.now()).append(") ===\n");
        r.append(storeLine()).append('\n');
        r.append("Sustained (closed loop), per concurrency:\n");
        levelLines.forEach(l -> r.append("  ").append(l).append('\n'));
        r.append(String.format(Locale.ROOT, "Plateau: %.1f commands/s at concurrency %d%n", plateau, bestLevel));
        r.append(String.format(Locale.ROOT, "Floor (GET %s as the operator, 200, no Axon, no store; concurrency %d, same generator):%n",
                               floorPath, floorConcurrency));
        r.append("  before the mix: ").append(floor.describe()).append('\n');
        r.append("  after the mix:  ").append(floorAfter.describe()).append('\n');
        r.append(String.format(Locale.ROOT, "Figure of record: accepted commands/s / floor = %.1f / %.1f = %.1f%%%n",
                               plateau, floorRate, 100 * ratio));
        r.append(String.format(Locale.ROOT, "  accepted shares alone at the plateau: %.1f/s (%.1f%% of the floor)%n",
                               plateauShares, 100 * plateauShares / floorRate));
        for (int g = 0; g < halves.size(); g++) {
            OpenResult h = halves.get(g);
            r.append(String.format(Locale.ROOT, "Half load %d (open loop, generator %s%s): target %.1f/s, sent %d in %d s (%.1f/s), "
                                           + "answered 2xx %d, other %d, errors %d, scheduler late > 1 ms: %d%n",
                                   g + 1, h.generator(), g == 0 ? ", of record" : "", h.rate(), h.sent(), halfSeconds,
                                   h.sent() / (double) halfSeconds, h.ok(), h.notOk(), h.failed(), h.lateSends()));
            r.append("  ").append(drains.get(g)).append('\n');
            r.append(String.format(Locale.ROOT, "  command latency from intended send: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
                                           + "p99.9 %.2f ms, max %.2f ms (n=%d)%n",
                                   ms(h.latency(), 50), ms(h.latency(), 90), ms(h.latency(), 99), ms(h.latency(), 99.9),
                                   h.latency().getMaxValue() / 1e6, h.latency().getTotalCount()));
            r.append(String.format(Locale.ROOT, "  from actual send (service time): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; "
                                           + "generator lateness (intended -> actual send): p50 %.3f ms, p99 %.2f ms, max %.2f ms%n",
                                   ms(h.service(), 50), ms(h.service(), 90), ms(h.service(), 99), h.service().getMaxValue() / 1e6,
                                   ms(h.lateness(), 50), ms(h.lateness(), 99), h.lateness().getMaxValue() / 1e6));
            r.append("  outcomes: ").append(h.outcomes().describe()).append('\n');
            r.append(describe(lags.get(g)));
            h.probe().forEach(line -> r.append(line).append('\n'));
        }
        extras.report(half.shareAnsweredAt(), byShare).forEach(line -> r.append(line).append('\n'));
        if (encryption != null) {
            r.append(encryption).append('\n');
        }
        profile.forEach(line -> r.append(line).append('\n'));
        extras.stopWebhooks();
        r.append(String.format(Locale.ROOT, "Access records stored: %d%n", stored));
        r.append(String.format(Locale.ROOT, "Audit GET /audit/access?customerId=: p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)%n",
                               ms(accessQuery, 50), ms(accessQuery, 99), accessQuery.getMaxValue() / 1e6,
                               accessQuery.getTotalCount()));
        r.append(String.format(Locale.ROOT, "Audit GET /audit/customers/{id}/recipients: p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)%n",
                               ms(recipientsQuery, 50), ms(recipientsQuery, 99), recipientsQuery.getMaxValue() / 1e6,
                               recipientsQuery.getTotalCount()));
        r.append("Heap after the run:\n");
        heap.forEach(h -> r.append("  ").append(h).append('\n'));
        r.append("Targets (issue 17):\n");
        r.append(String.format(Locale.ROOT, "  accepted commands/s >= 12%% of the floor: %.1f%% -> %s%n", 100 * ratio,
                               ratio >= 0.12 ? "PASS" : "FAIL"));
        r.append(String.format(Locale.ROOT, "  p99 command latency <= 100 ms at half load: %.2f ms -> %s%n", ms(half.latency(), 99),
                               ms(half.latency(), 99) <= 100 ? "PASS" : "FAIL"));
        r.append(String.format(Locale.ROOT, "  lag p99 <= 200 ms at half load: %.1f ms -> %s%n", lag.p99Upper(),
                               lag.count() > 0 && lag.p99Upper() <= 200 ? "PASS" : "FAIL"));
        double worstAppHeap = appHeapAfterGc.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        r.append(String.format(Locale.ROOT, "  heap after a full GC <= 512 MiB per application: largest %.1f MiB -> %s%n",
                               worstAppHeap, worstAppHeap <= 512 ? "PASS" : "FAIL"));
        r.append("Total run time: ").append(seconds(started)).append(" s\n");
        print(r.toString());
        Path out = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark", "results.txt");
        Files.writeString(out, r.toString());
        print("Written to " + out);
    }

    /**
     * Runs the applications from a copy of their jars: other builds in the same working tree may repackage
     * {@code target/*.jar} while the benchmark runs, and a running JVM must not see its jar replaced.
     */
    private static void privateCopy(String property) throws Exception {
        Path jar = Path.of(System.getProperty(property, ""));
        if (!Files.isRegularFile(jar)) {
            return; // LedgerProcesses says what is missing
        }
        Path copy = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark-jars",
                            jar.getFileName().toString());
        Files.createDirectories(copy.getParent());
        Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.setProperty(property, copy.toString());
    }

    // ---------------------------------------------------------------------------------------------------- setup

    private void setup() throws Exception {
        setup(sharedPool);
    }

    /** {@code pool.size} customers, each with a link, a consent and its authorisation, sent to the pool's instance. */
    private void setup(Pool pool) throws Exception {
        long start = System.nanoTime();
        print("Setup: " + pool.size + " customers, each with a link, a consent and its authorisation"
                      + (pool.instance < 0 ? "" : ", on command-" + (pool.instance + 1)));
        int threads = 8;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicLong next = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                threadPool.set(pool);
                try {
                    while (next.getAndIncrement() < pool.size) {
                        // one customer's chain, in order: its link, its consent, the authorisation
                        LinkRef link = newLink();
                        ConsentRef consent = newConsent(link);
                        for (Op op : List.of(linkOp(link, false), requestOp(consent, false), authoriseOp(consent))) {
                            HttpResponse<String> response;
                            boolean resent = false;
                            try {
                                response = http.send(op.request(), HttpResponse.BodyHandlers.ofString());
                            } catch (java.io.IOException closed) {
                                // a pooled connection the server had closed: the JDK client does not resend a POST
                                print("Setup " + op.kind() + ": " + closed + "; sent once more");
                                response = http.send(op.request(), HttpResponse.BodyHandlers.ofString());
                                resent = true;
                            }
                            // resent: a 409 says the first one landed
                            if (response.statusCode() / 100 == 2 || resent && response.statusCode() == 409) {
                                op.onSuccess().run();
                            } else {
                                failures.incrementAndGet();
                                print("Setup " + op.kind() + " answered " + response.statusCode() + ": " + response.body());
                                break;
                            }
                        }
                        customers.add(link.customerId());
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    print("Setup failed: " + e);
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        done.await();
        if (failures.get() > 0 || pool.shareable.size() < pool.size) {
            throw new IllegalStateException("Setup failed: " + failures.get() + " failures, " + pool.shareable.size()
                                                    + " authorised consents");
        }
        print("Setup done in " + seconds(start) + " s: " + pool.shareable.size() + " authorised consents");
    }

    // ------------------------------------------------------------------------------------------------- commands

    private String next(String prefix) {
        return prefix + "-" + run + "-" + counter.incrementAndGet();
    }

    private String commandUrl() {
        int pinned = pool().instance;
        if (pinned >= 0) {
            return command.get(pinned);
        }
        return command.get(command.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(command.size()));
    }

    /**
     * Issue 16's benchmark: encryption on (command-1) against off (command-2). Each instance first gets its own
     * {@code bench.encryptionAbConsents} customers, links and consents ({@link Pool}), set up through it, and every
     * command of this phase goes to the instance that owns its aggregates: neither instance's cached aggregates go
     * stale because of the other (the design of runs 1–3 shared them, so the first window after each switch reloaded
     * every aggregate it touched). Then, after one unmeasured window:
     * <ol>
     *     <li><b>Side by side</b>, {@code bench.encryptionAbRounds} windows: both instances at once, each its own closed
     *     loop of half the concurrency on its own pool, so both arms see the same seconds of the shared machine; the
     *     rates and each command-side process's CPU per accepted command are compared window by window (the starting
     *     order alternates).</li>
     *     <li><b>One at a time</b>, {@code bench.encryptionAbSoloRounds} rounds in ABBA order: each window (after an
     *     uncounted lead-in of {@code bench.encryptionAbLeadSeconds} on the same instance) sends the full
     *     concurrency to one instance and counts the CPU of every process (both applications, the store, the
     *     benchmark) until the query side has caught up with the window's events, so the query side's opening of
     *     what command-1 sealed is charged to "on".</li>
     * </ol>
     * With {@code bench.encryptionJfr=true} (off by default) a last, unmeasured side-by-side window records a JFR profile
     * of both command-side instances and the query side into the log directory; on 2 loaded cores, starting JFR on the
     * three JVMs at once slowed them to a few commands/s for the window and the half load after it (runs 4 and 5 in
     * docs/benchmarks.md). Returns the report lines.
     */
    private String encryptionAB(int concurrency) {
        try {
            Pool[] pools = {new Pool(encryptionOnIndex, encryptionAbConsents), new Pool(1 - encryptionOnIndex, encryptionAbConsents)};
            for (Pool pool : pools) {
                setup(pool);
            }
            Map<String, Long> pids = new java.util.LinkedHashMap<>();
            for (LedgerProcesses.Instance app : ledger.commandInstances()) {
                pids.put(app.name(), app.process().pid());
            }
            pids.put("query", ledger.queryInstances().get(0).process().pid());
            if (!ledger.storeIsExternal()) {
                pids.put("store", ledger.storePid());
            }
            pids.put("benchmark", ProcessHandle.current().pid());
            print("Encryption A/B processes: " + pids);
            String warmup = encryptionWarmUp(concurrency, pools, pids);

            // 1. side by side
            int n = encryptionAbRounds;
            double[] rateOn = new double[n];
            double[] rateOff = new double[n];
            double[] cpuOn = new double[n];
            double[] cpuOff = new double[n];
            double[] cpuRest = new double[n];
            double[] procOn = new double[n];
            double[] procOff = new double[n];
            double[] procHolder = new double[n];
            double[] c2On = new double[n];
            double[] c2Off = new double[n];
            double[] gcOn = new double[n];
            double[] gcOff = new double[n];
            double[] compiledOn = new double[n];
            double[] compiledOff = new double[n];
            for (int round = 0; round < n; round++) {
                double[] w = sideBySide("A/B encryption side by side, round " + (round + 1), concurrency, pools, pids,
                                        round % 2 == 0);
                rateOn[round] = w[0];
                rateOff[round] = w[1];
                cpuOn[round] = w[2];
                cpuOff[round] = w[3];
                cpuRest[round] = w[4];
                procOn[round] = w[5];
                procOff[round] = w[6];
                procHolder[round] = w[7];
                c2On[round] = w[8];
                c2Off[round] = w[9];
                gcOn[round] = w[10];
                gcOff[round] = w[11];
                compiledOn[round] = w[12];
                compiledOff[round] = w[13];
            }
            printCodeLists("after the side-by-side windows", pids);
            double[] ratio = new double[n];
            double[] cpuDiff = new double[n];
            double[] requestOn = new double[n];
            double[] requestOff = new double[n];
            double[] requestDiff = new double[n];
            for (int i = 0; i < n; i++) {
                ratio[i] = rateOn[i] / rateOff[i];
                cpuDiff[i] = cpuOn[i] - cpuOff[i];
                requestOn[i] = cpuOn[i] - procOn[i];
                requestOff[i] = cpuOff[i] - procOff[i];
                requestDiff[i] = requestOn[i] - requestOff[i];
            }
            StringBuilder r = new StringBuilder(warmup);
            r.append(String.format(Locale.ROOT, "A/B encryption, own customers per instance (%d each), side by side: %d x %d s, "
                                           + "concurrency %d + %d%n", encryptionAbConsents, n, encryptionAbSeconds,
                                   concurrency / 2, concurrency - concurrency / 2));
            r.append("  rate on (" + onName + ")  ").append(rates(rateOn)).append(String.format(Locale.ROOT, " -> mean %.1f/s%n", mean(rateOn)));
            r.append("  rate off (" + offName + ") ").append(rates(rateOff)).append(String.format(Locale.ROOT, " -> mean %.1f/s%n", mean(rateOff)));
            r.append(String.format(Locale.ROOT, "  on/off per window %s -> mean %.4f (SE %.4f): throughput drop with encryption on "
                                           + "%.1f%% (target <= 10%%: %s)%n", ratios(ratio), mean(ratio), se(ratio),
                                   100 * (1 - mean(ratio)), 1 - mean(ratio) <= 0.10 ? "PASS" : "FAIL"));
            r.append(String.format(Locale.ROOT, "  CPU per command of the command-side process: on %s -> mean %.3f ms; off %s -> "
                                           + "mean %.3f ms; difference %.3f ms (SE %.3f)%n", ratios(cpuOn), mean(cpuOn),
                                   ratios(cpuOff), mean(cpuOff), mean(cpuDiff), se(cpuDiff)));
            r.append(String.format(Locale.ROOT, "  of which the command side's processor threads (they read both instances' events): on %s "
                                           + "-> mean %.3f ms; off %s -> mean %.3f ms%n", ratios(procOn), mean(procOn),
                                   ratios(procOff), mean(procOff)));
            if (encryptionAbHolder) {
                r.append(String.format(Locale.ROOT, "  the holder's (command-1, no load) processor threads, per command of both arms: %s "
                                               + "-> mean %.3f ms%n", ratios(procHolder), mean(procHolder)));
            }
            r.append(String.format(Locale.ROOT, "  CPU per command without those threads: on %s -> mean %.3f ms; off %s -> mean %.3f ms; "
                                           + "difference %.3f ms (SE %.3f)%n", ratios(requestOn), mean(requestOn),
                                   ratios(requestOff), mean(requestOff), mean(requestDiff), se(requestDiff)));
            r.append(String.format(Locale.ROOT, "  of which the C2 compiler thread: on %s -> mean %.3f ms; off %s -> mean %.3f ms; "
                                           + "methods compiled per window: on %s, off %s%n", ratios(c2On), mean(c2On),
                                   ratios(c2Off), mean(c2Off), counts(compiledOn), counts(compiledOff)));
            r.append(String.format(Locale.ROOT, "  of which the GC threads: on %s -> mean %.3f ms; off %s -> mean %.3f ms%n",
                                   ratios(gcOn), mean(gcOn), ratios(gcOff), mean(gcOff)));
            r.append(String.format(Locale.ROOT, "  CPU per command of the rest (" + (encryptionAbHolder ? "holder command-1, " : "")
                                           + "query side, store, benchmark; shared): %s -> mean %.3f ms%n",
                                   ratios(cpuRest), mean(cpuRest)));
            print(r.toString());

            // 2. one at a time, ABBA, every process's CPU until the query side has caught up
            int m = encryptionAbSoloRounds;
            double[] soloOn = new double[m];
            double[] soloOff = new double[m];
            Map<String, double[]> perOn = new java.util.LinkedHashMap<>();
            Map<String, double[]> perOff = new java.util.LinkedHashMap<>();
            List<String> measured = new ArrayList<>(pids.keySet());
            int commandProcesses = (int) pids.keySet().stream().filter(k -> k.startsWith("command-")).count();
            for (int i = 0; i < commandProcesses; i++) {
                measured.add(commandProcesses + i, "command-" + (i + 1) + " processors");
            }
            for (String name : measured) {
                perOn.put(name, new double[m]);
                perOff.put(name, new double[m]);
            }
            double[] totalOn = new double[m];
            double[] totalOff = new double[m];
            for (int round = 0; round < m; round++) {
                boolean onFirst = round % 2 == 0;
                for (int arm = 0; arm < 2; arm++) {
                    boolean encrypting = (arm == 0) == onFirst;
                    Pool pool = pools[encrypting ? 0 : 1];
                    if (encryptionAbLeadSeconds > 0) { // the first seconds after a switch are slower: not counted
                        closedLoop("A/B encryption " + (encrypting ? "on" : "off") + " alone, lead-in (not counted)",
                                   concurrency, encryptionAbLeadSeconds, poolOps(pool), Long.MAX_VALUE);
                    }
                    awaitAllProcessors();
                    Map<String, Long> before = cpu(pids);
                    double rate = closedLoop("A/B encryption " + (encrypting ? "on" : "off") + " alone, round " + (round + 1),
                                             concurrency, encryptionAbSeconds, poolOps(pool), Long.MAX_VALUE).okPerSecond();
                    awaitAllProcessors();
                    Map<String, Long> after = cpu(pids);
                    double commands = rate * encryptionAbSeconds;
                    (encrypting ? soloOn : soloOff)[round] = rate;
                    double total = 0;
                    for (String name : measured) {
                        double ms = (after.get(name) - before.get(name)) / 1e6 / commands;
                        (encrypting ? perOn : perOff).get(name)[round] = ms;
                        if (pids.containsKey(name)) {
                            total += ms;
                        }
                    }
                    (encrypting ? totalOn : totalOff)[round] = total;
                }
            }
            double[] totalDiff = new double[m];
            for (int i = 0; i < m; i++) {
                totalDiff[i] = (totalOn[i] - totalOff[i]) / totalOn[i];
            }
            double soloDrop = 100 * (mean(soloOff) - mean(soloOn)) / mean(soloOff);
            r.append(String.format(Locale.ROOT, "A/B encryption, own customers per instance, one instance at a time: %d rounds "
                                           + "in ABBA order, %d s, concurrency %d; CPU counted until the query side caught up%n",
                                   m, encryptionAbSeconds, concurrency));
            r.append("  rate on  ").append(rates(soloOn)).append(String.format(Locale.ROOT, " -> mean %.1f/s%n", mean(soloOn)));
            r.append("  rate off ").append(rates(soloOff)).append(String.format(Locale.ROOT, " -> mean %.1f/s: drop %.1f%%%n",
                                                                                 mean(soloOff), soloDrop));
            for (String name : measured) {
                r.append(String.format(Locale.ROOT, "  CPU per command, %-20s on %s -> mean %.3f ms; off %s -> mean %.3f ms%n",
                                       name, ratios(perOn.get(name)), mean(perOn.get(name)), ratios(perOff.get(name)),
                                       mean(perOff.get(name))));
            }
            r.append(String.format(Locale.ROOT, "  CPU per command, all processes: on %s -> mean %.3f ms; off %s -> mean %.3f ms; "
                                           + "on's extra per round %s -> mean %.1f%% of on's CPU (SE %.1f%%)",
                                   ratios(totalOn), mean(totalOn), ratios(totalOff), mean(totalOff),
                                   ratios(Arrays.stream(totalDiff).map(d -> 100 * d).toArray()), 100 * mean(totalDiff),
                                   100 * se(totalDiff)));
            print(r.toString());

            if (Boolean.parseBoolean(System.getProperty("bench.encryptionJfr", "false"))) {
                Path dir = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark").toAbsolutePath();
                for (String name : pids.keySet().stream().filter(k -> !k.equals("store") && !k.equals("benchmark")).toList()) {
                    print(name + " JFR: " + jcmd(pids.get(name), "JFR.start name=encryption-ab settings=default duration="
                            + encryptionAbSeconds + "s filename=" + dir.resolve("encryption-ab-" + name + ".jfr")).trim());
                }
                sideBySide("A/B encryption side by side, with JFR (not counted)", concurrency, pools, pids, true);
                Thread.sleep(3000); // the recordings are written when their duration ends
            }
            return r.toString();
        } catch (Exception e) {
            print("A/B encryption failed: " + e);
            return "A/B encryption failed: " + e;
        }
    }

    /** The ops of the mix on {@code pool}'s customers, sent to its instance. */
    private java.util.function.Supplier<Op> poolOps(Pool pool) {
        return () -> {
            threadPool.set(pool);
            return nextOp(false);
        };
    }

    /**
     * One window with both instances at once, each its own closed loop on its own pool; returns rate on, rate off,
     * CPU per command of command-1 and command-2, and the CPU per command (both instances' commands) of the rest.
     */
    private double[] sideBySide(String name, int concurrency, Pool[] pools, Map<String, Long> pids, boolean onFirst)
            throws Exception {
        ArmJvm onJvmBefore = ArmJvm.of(pids.get(onName));
        ArmJvm offJvmBefore = ArmJvm.of(pids.get(offName));
        Map<String, Long> before = cpu(pids);
        java.util.concurrent.CompletableFuture<ClosedResult> first = new java.util.concurrent.CompletableFuture<>();
        int firstIndex = onFirst ? 0 : 1;
        Thread other = new Thread(() -> {
            try {
                first.complete(closedLoop(name + ", " + (firstIndex == 0 ? "on" : "off"), concurrency / 2,
                                          encryptionAbSeconds, poolOps(pools[firstIndex]), Long.MAX_VALUE));
            } catch (Throwable e) {
                first.completeExceptionally(e);
            }
        }, "bench-ab-" + firstIndex);
        other.start();
        ClosedResult second = closedLoop(name + ", " + (firstIndex == 0 ? "off" : "on"), concurrency - concurrency / 2,
                                         encryptionAbSeconds, poolOps(pools[1 - firstIndex]), Long.MAX_VALUE);
        ClosedResult firstResult = first.get();
        Map<String, Long> after = cpu(pids);
        ArmJvm onJvmAfter = ArmJvm.of(pids.get(onName));
        ArmJvm offJvmAfter = ArmJvm.of(pids.get(offName));
        ClosedResult on = onFirst ? firstResult : second;
        ClosedResult off = onFirst ? second : firstResult;
        double commandsOn = on.okPerSecond() * encryptionAbSeconds;
        double commandsOff = off.okPerSecond() * encryptionAbSeconds;
        long rest = 0;
        for (String process : restProcesses()) {
            rest += after.get(process) - before.get(process);
        }
        double procHolder = encryptionAbHolder
                ? (after.get("command-1 processors") - before.get("command-1 processors")) / 1e6 : 0;
        double procOn = (after.get(onName + " processors") - before.get(onName + " processors")) / 1e6;
        double procOff = (after.get(offName + " processors") - before.get(offName + " processors")) / 1e6;
        double[] w = {on.okPerSecond(), off.okPerSecond(),
                      (after.get(onName) - before.get(onName)) / 1e6 / commandsOn,
                      (after.get(offName) - before.get(offName)) / 1e6 / commandsOff,
                      rest / 1e6 / (commandsOn + commandsOff),
                      procOn / commandsOn, procOff / commandsOff, procHolder / (commandsOn + commandsOff),
                      onJvmAfter.msPerCommand(onJvmBefore, "C2", commandsOn),
                      offJvmAfter.msPerCommand(offJvmBefore, "C2", commandsOff),
                      onJvmAfter.msPerCommand(onJvmBefore, "GC", commandsOn),
                      offJvmAfter.msPerCommand(offJvmBefore, "GC", commandsOff),
                      onJvmAfter.compiledSince(onJvmBefore), offJvmAfter.compiledSince(offJvmBefore)};
        print(String.format(Locale.ROOT, "%s: on %.1f/s, off %.1f/s (on/off %.3f); CPU per command on %.3f ms, off %.3f ms, "
                                    + "rest %.3f ms; of which the command side's processor threads: on %.0f ms in all (%.3f ms "
                                    + "per command), off %.0f ms (%.3f); holder's processor threads %.0f ms (%.3f per command "
                                    + "of both)", name, w[0], w[1], w[0] / w[1], w[2], w[3], w[4],
                            procOn, w[5], procOff, w[6], procHolder, procHolder / (commandsOn + commandsOff)));
        print(name + ", per command in each arm's JVM: on " + onJvmAfter.since(onJvmBefore, commandsOn) + "; off "
                      + offJvmAfter.since(offJvmBefore, commandsOff));
        return w;
    }

    /**
     * The encryption A/B's side-by-side warm-up (p8-encab): unmeasured windows until both arms' CPU per command has
     * settled ({@link #encryptionAbWarmupMinWindows}); every window is printed and summarised in the report.
     */
    private String encryptionWarmUp(int concurrency, Pool[] pools, Map<String, Long> pids) throws Exception {
        List<Double> ratio = new ArrayList<>();
        List<Double> cpuOn = new ArrayList<>();
        List<Double> cpuOff = new ArrayList<>();
        List<Double> c2On = new ArrayList<>();
        List<Double> c2Off = new ArrayList<>();
        double lowestOn = Double.MAX_VALUE;
        double lowestOff = Double.MAX_VALUE;
        int settledInRow = 0;
        boolean settled = false;
        long start = System.nanoTime();
        printCodeLists("before the warm-up", pids);
        while (ratio.size() < encryptionAbWarmupMaxWindows) {
            int window = ratio.size() + 1;
            double[] w = sideBySide("A/B encryption warm-up " + window + ", side by side (not counted)", concurrency, pools,
                                    pids, window % 2 == 1);
            boolean both = window > 1 && w[2] >= 0.95 * lowestOn && w[3] >= 0.95 * lowestOff
                    && w[8] < encryptionAbWarmupMaxC2Share * w[2] && w[9] < encryptionAbWarmupMaxC2Share * w[3];
            settledInRow = both ? settledInRow + 1 : 0;
            lowestOn = Math.min(lowestOn, w[2]);
            lowestOff = Math.min(lowestOff, w[3]);
            ratio.add(w[0] / w[1]);
            cpuOn.add(w[2]);
            cpuOff.add(w[3]);
            c2On.add(w[8]);
            c2Off.add(w[9]);
            printCodeLists("after warm-up window " + window, pids);
            if (window >= encryptionAbWarmupMinWindows && settledInRow >= 2) {
                settled = true;
                break;
            }
        }
        String verdict = settled
                ? String.format(Locale.ROOT, "settled after %d windows (%s s)", ratio.size(), seconds(start))
                : String.format(Locale.ROOT, "NOT settled after the most windows allowed, %d (%s s): measured anyway",
                                ratio.size(), seconds(start));
        String line = String.format(Locale.ROOT, "A/B encryption side-by-side warm-up (not counted), %s; rule: a window settles an "
                                            + "arm when its CPU per command is no more than 5%% below the arm's lowest before it and "
                                            + "its C2 compiler thread used less than %.0f%% of the arm's CPU, two windows in a row "
                                            + "settling both arms end it (at least %d, at most %d windows)%n"
                                            + "  on/off per warm-up window %s%n  CPU per command on %s; off %s ms%n"
                                            + "  of which the C2 compiler thread: on %s; off %s ms%n",
                                    verdict, 100 * encryptionAbWarmupMaxC2Share, encryptionAbWarmupMinWindows,
                                    encryptionAbWarmupMaxWindows,
                                    ratios(ratio.stream().mapToDouble(Double::doubleValue).toArray()),
                                    ratios(cpuOn.stream().mapToDouble(Double::doubleValue).toArray()),
                                    ratios(cpuOff.stream().mapToDouble(Double::doubleValue).toArray()),
                                    ratios(c2On.stream().mapToDouble(Double::doubleValue).toArray()),
                                    ratios(c2Off.stream().mapToDouble(Double::doubleValue).toArray()));
        print(line);
        return line;
    }

    /**
     * Each arm's code list ({@code jcmd Compiler.codelist}, between windows): how many methods C2 has compiled, of them
     * the sealing's (AES-GCM, the event store's privacy package), and how many of the sealing's are still below C2.
     */
    private void printCodeLists(String when, Map<String, Long> pids) {
        StringBuilder b = new StringBuilder("A/B encryption, JIT code lists " + when + ":");
        for (String arm : List.of(onName, offName)) {
            try {
                long[] c = ProcessCpu.parseCodeList(jcmd(pids.get(arm), "Compiler.codelist"));
                b.append(String.format(Locale.ROOT, " %s (%s) %d methods at C2, of them %d of the sealing's, %d of the sealing's "
                                               + "below C2;", arm, arm.equals(onName) ? "on" : "off", c[0], c[1], c[2]));
            } catch (Exception e) {
                b.append(" ").append(arm).append(": ").append(e).append(";");
            }
        }
        print(b.toString());
    }

    /** One arm's JVM at an instant: its thread groups' CPU ({@link ProcessCpu#JVM_GROUPS}) and the JIT's counters. */
    private record ArmJvm(Map<String, Long> groups, long[] compiled) {

        static ArmJvm of(long pid) {
            return new ArmJvm(ProcessCpu.threadGroupNanos(pid, ProcessCpu.JVM_GROUPS), ProcessCpu.jitCompiled(pid));
        }

        double msPerCommand(ArmJvm before, String group, double commands) {
            return commands <= 0 ? 0 : (groups.get(group) - before.groups.get(group)) / 1e6 / commands;
        }

        double compiledSince(ArmJvm before) {
            return compiled[0] < 0 || before.compiled[0] < 0 ? -1 : compiled[0] - before.compiled[0];
        }

        String since(ArmJvm before, double commands) {
            StringBuilder b = new StringBuilder();
            for (String group : groups.keySet()) {
                b.append(String.format(Locale.ROOT, "%s %.3f ms, ", group, msPerCommand(before, group, commands)));
            }
            b.append(String.format(Locale.ROOT, "%.0f methods compiled (%.1f s compiling)", compiledSince(before),
                                   compiled[1] < 0 || before.compiled[1] < 0 ? -1 : (compiled[1] - before.compiled[1]) / 1e3));
            return b.toString();
        }
    }

    /** CPU time in nanoseconds of each process, from /proc. */
    private static Map<String, Long> processCpu(Map<String, Long> pids) {
        Map<String, Long> cpu = new HashMap<>();
        pids.forEach((name, pid) -> cpu.put(name, ProcessCpu.nanos(pid)));
        return cpu;
    }

    /** The processes whose CPU the side-by-side windows share over both arms: the holder (if any), query, store, benchmark. */
    private List<String> restProcesses() {
        List<String> rest = encryptionAbHolder ? List.of("command-1", "query", "store", "benchmark") : List.of("query", "store", "benchmark");
        return ledger.storeIsExternal() ? rest.stream().filter(p -> !p.equals("store")).toList() : rest;
    }

    /** Which store the run is on; on an external MongoDB, that the store's figures are absent. */
    private String storeLine() {
        return ledger.storeIsExternal()
                ? "Store: EXTERNAL MongoDB (" + io.consentledger.system.ExternalStore.URI_VARIABLE + "), database "
                        + ledger.databaseName() + ": no store process here, so the store's CPU, heap and pause figures are "
                        + "absent and every CPU sum (per command, A/B rest, drain) covers the applications and the benchmark only"
                : "Store: the embedded store, a process of its own (pid " + ledger.storePid() + ", heap "
                        + System.getProperty("ledger.storeHeap", "512m") + ")";
    }

    /** CPU time in nanoseconds of each process and of every command-side instance's processor threads, from /proc. */
    private static Map<String, Long> cpu(Map<String, Long> pids) {
        Map<String, Long> cpu = new HashMap<>();
        pids.forEach((name, pid) -> cpu.put(name, ProcessCpu.nanos(pid)));
        for (String command : pids.keySet().stream().filter(k -> k.startsWith("command-")).toList()) {
            cpu.put(command + " processors", ProcessCpu.threadNanos(pids.get(command), COMMAND_PROCESSOR_THREADS));
        }
        return cpu;
    }

    /**
     * The command side's tracking processors (customer directory, expiry schedule, unlink propagation): whichever
     * instance holds their segments reads every event of both instances, so their CPU is reported apart.
     */
    private static final String[] COMMAND_PROCESSOR_THREADS = {"EventProcessor", "EmbeddedEventSt", "WorkPackage", "Coordinator"};

    /** Waits until every query-side processor with a claimed segment has reached the head of the log (at most 120 s). */
    private void awaitAllProcessors() throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
            boolean behind = false;
            long head = -1;
            JsonNode processors = Api.OPERATOR.get(query + "/operator/processors").body();
            for (JsonNode p : processors) {
                head = Math.max(head, p.path("headPosition").asLong(-1));
            }
            for (JsonNode p : processors) {
                if (p.path("segmentsClaimed").asInt() > 0 && p.path("slowestPosition").asLong(-1) < head) {
                    behind = true;
                }
            }
            if (head >= 0 && !behind) {
                break;
            }
            Thread.sleep(100);
        }
        print("Query side caught up in " + seconds(start) + " s");
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** Standard error of the mean. */
    private static double se(double[] values) {
        double mean = mean(values);
        double ss = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        return values.length < 2 ? Double.NaN : Math.sqrt(ss / (values.length - 1) / values.length);
    }

    private static String ratios(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }

    private static String counts(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList().toString();
    }

    private static String rates(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v)).toList().toString();
    }

    private static String bankKey(int bank) {
        return "dev-key-bank-" + bank;
    }

    private static String recipient(int recipient) {
        return recipient == 0 ? "messenger" : "voice-assistant";
    }

    private HttpRequest post(String key, String path, String body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(commandUrl() + path))
                                           .header("Authorization", "ApiKey " + key)
                                           .header("Content-Type", "application/json")
                                           .timeout(Duration.ofSeconds(60))
                                           .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return b.build();
    }

    private static String evidence() {
        return "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + Instant.now().minusSeconds(1)
                + "\",\"disclosureVersion\":\"tc-7\"}";
    }

    private LinkRef newLink() {
        return new LinkRef(next("link"), next("cust"), 1 + ThreadLocalRandom.current().nextInt(2));
    }

    private ConsentRef newConsent(LinkRef link) {
        return new ConsentRef(next("consent"), link, ThreadLocalRandom.current().nextInt(2));
    }

    private Op link() {
        return linkOp(newLink(), true);
    }

    private Op linkOp(LinkRef link, boolean queue) {
        String body = "{\"linkId\":\"" + link.linkId() + "\",\"customerId\":\"" + link.customerId() + "\",\"providerId\":\"bank-"
                + link.bank() + "\",\"accountId\":\"acc-" + link.linkId() + "\",\"currency\":\"EUR\",\"evidence\":" + evidence() + "}";
        Pool pool = pool();
        return new Op(Kind.LINK, post(bankKey(link.bank()), "/links", body, null), () -> {
            if (queue) {
                pool.linksWithoutConsent.add(link);
                customers.add(link.customerId());
            }
        }, null);
    }

    private Op request(LinkRef link) {
        return link == null ? link() : requestOp(newConsent(link), true);
    }

    private Op requestOp(ConsentRef consent, boolean queue) {
        String body = "{\"consentId\":\"" + consent.consentId() + "\",\"recipientId\":\"" + recipient(consent.recipient())
                + "\",\"linkIds\":[\"" + consent.link().linkId() + "\"],\"scopes\":[\"BALANCES\",\"TRANSACTIONS\"],"
                + "\"purposes\":[\"FRAUD_ALERTS\",\"CUSTOMER_SERVICE\",\"PERSONAL_FINANCE\"],\"expiresAt\":\""
                + Instant.now().plus(Duration.ofDays(180)) + "\",\"window\":{\"lookbackDays\":90},"
                + "\"frequency\":{\"maxPerDay\":10000}}";
        Pool pool = pool();
        return new Op(Kind.REQUEST, post("dev-key-" + recipient(consent.recipient()), "/consents", body, null), () -> {
            if (queue) {
                pool.awaitingAuthorisation.add(consent);
            }
        }, null);
    }

    private Op authorise(ConsentRef consent) {
        return consent == null ? request(pool().linksWithoutConsent.poll()) : authoriseOp(consent);
    }

    private Op authoriseOp(ConsentRef consent) {
        Pool pool = pool();
        return new Op(Kind.AUTHORISE, post(bankKey(consent.link().bank()), "/consents/" + consent.consentId() + "/authorise",
                                           "{\"evidence\":" + evidence() + "}", null),
                      () -> pool.shareable.add(consent), null);
    }

    private Op revoke() {
        ConsentRef consent;
        CopyOnWriteArrayList<ConsentRef> shareable = pool().shareable;
        synchronized (shareable) { // the only place that removes
            if (shareable.size() <= pool().size / 2) {
                return shareBalance();
            }
            consent = shareable.remove(ThreadLocalRandom.current().nextInt(shareable.size()));
        }
        return new Op(Kind.REVOKE, post(bankKey(consent.link().bank()), "/consents/" + consent.consentId() + "/revoke",
                                        "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}", null),
                      () -> { }, null);
    }

    private ConsentRef anyShareable() {
        CopyOnWriteArrayList<ConsentRef> shareable = pool().shareable;
        while (true) {
            try {
                return shareable.get(ThreadLocalRandom.current().nextInt(shareable.size()));
            } catch (IndexOutOfBoundsException raced) {
                // a revocation shrank the list meanwhile
            }
        }
    }

    private Op shareBalance() {
        ConsentRef consent = anyShareable();
        String shareId = next("share");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String body = "{\"shareId\":\"" + shareId + "\",\"linkId\":\"" + consent.link().linkId() + "\",\"amount\":"
                + random.nextInt(100_000) + "." + (10 + random.nextInt(90)) + ",\"currency\":\"EUR\",\"asOf\":\""
                + Instant.now().minusSeconds(1) + "\",\"purpose\":\"" + PURPOSES[random.nextInt(PURPOSES.length)] + "\"}";
        return new Op(Kind.SHARE_BALANCE, post(bankKey(consent.link().bank()), "/consents/" + consent.consentId()
                + "/shares/balance", body, shareId), sharesAccepted::increment, shareId);
    }

    private Op shareTransactions() {
        ConsentRef consent = anyShareable();
        String shareId = next("share");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder transactions = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                transactions.append(',');
            }
            transactions.append("{\"transactionId\":\"").append(shareId).append("-tx-").append(i)
                        .append("\",\"bookedAt\":\"").append(Instant.now().minus(Duration.ofHours(1 + random.nextInt(48))))
                        .append("\",\"amount\":-").append(1 + random.nextInt(500)).append('.').append(10 + random.nextInt(90))
                        .append(",\"currency\":\"EUR\",\"description\":\"Card payment\",\"merchant\":\"Shop ")
                        .append(random.nextInt(1000)).append("\",\"channel\":\"card\"}");
        }
        String body = "{\"shareId\":\"" + shareId + "\",\"linkId\":\"" + consent.link().linkId() + "\",\"purpose\":\""
                + PURPOSES[random.nextInt(PURPOSES.length)] + "\",\"transactions\":[" + transactions + "]}";
        return new Op(Kind.SHARE_TRANSACTIONS, post(bankKey(consent.link().bank()), "/consents/" + consent.consentId()
                + "/shares/transactions", body, shareId), sharesAccepted::increment, shareId);
    }

    /**
     * The mix, per 100 commands: 3 links, 3 consent requests, 3 authorisations, 1 revocation, 60 balance shares,
     * 30 transaction shares (1 to 3 transactions each). A step that has nothing to act on falls back to the step
     * before it (an authorisation with no consent waiting becomes a request, and so on).
     */
    private Op nextOp(boolean sharesOnly) {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (sharesOnly) {
            return dice < 66 ? shareBalance() : shareTransactions();
        }
        if (dice < 3) {
            return link();
        } else if (dice < 6) {
            return request(pool().linksWithoutConsent.poll());
        } else if (dice < 9) {
            return authorise(pool().awaitingAuthorisation.poll());
        } else if (dice < 10) {
            return revoke();
        } else if (dice < 70) {
            return shareBalance();
        }
        return shareTransactions();
    }

    // ---------------------------------------------------------------------------------------------- closed loop

    private record ClosedResult(double okPerSecond, double allPerSecond, double sharesPerSecond, Histogram latency,
                                Outcomes outcomes) {
    }

    /**
     * Issue 17 (p8-profile, {@code bench.jfr}): at the plateau's concurrency, one closed-loop window of
     * {@code bench.jfrSeconds} that measures every process's CPU per accepted command by thread group (from /proc, no
     * profiler attached), then one of the same length with a JFR recording ({@code settings=profile}: CPU samples every
     * 10 ms per running Java thread, allocation samples, per-thread allocation, collections) of every application and
     * the store, started just before the window's callers and stopped right after them, written to
     * {@code <log dir>/load-benchmark/profile-<process>.jfr} and summarised by {@link JfrProfile}. Returns the lines.
     */
    private List<String> profileWindows(int concurrency) throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, Long> pids = probePids();
        Path dir = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs"), "load-benchmark");
        Files.createDirectories(dir);
        for (int window = 0; window < 2; window++) {
            boolean recording = window == 1;
            String name = recording ? "profile window with JFR" : "profile window, CPU only";
            if (recording) {
                for (Map.Entry<String, Long> p : pids.entrySet()) {
                    if (!p.getKey().equals("bench")) {
                        print(p.getKey() + " JFR: " + jcmd(p.getValue(), "JFR.start name=p8profile settings=profile").trim()
                                                                .replaceAll("\\s+", " "));
                    }
                }
            }
            Map<String, long[]> before = new HashMap<>();
            pids.forEach((n, pid) -> before.put(n, withTotal(pid)));
            ClosedResult result = closedLoop(name + " c=" + concurrency, concurrency, jfrSeconds, false);
            Map<String, long[]> after = new HashMap<>();
            pids.forEach((n, pid) -> after.put(n, withTotal(pid)));
            Map<String, Path> files = new HashMap<>();
            if (recording) {
                for (Map.Entry<String, Long> p : pids.entrySet()) {
                    if (!p.getKey().equals("bench")) {
                        Path file = dir.resolve("profile-" + p.getKey() + ".jfr").toAbsolutePath();
                        jcmd(p.getValue(), "JFR.stop name=p8profile filename=" + file);
                        files.put(p.getKey(), file);
                    }
                }
            }
            long commands = Math.round(result.okPerSecond() * jfrSeconds);
            lines.add(String.format(Locale.ROOT, "%s at concurrency %d, %d s: %.1f commands/s 2xx (shares %.1f/s), p50 %.1f ms, "
                                            + "p99 %.1f ms; CPU per accepted command (ms) by process and thread group "
                                            + "[http requests, processors, GC, JIT, other] :", name, concurrency, jfrSeconds,
                                    result.okPerSecond(), result.sharesPerSecond(), ms(result.latency(), 50),
                                    ms(result.latency(), 99)));
            double all = 0;
            Map<String, Double> javaCpuMs = new HashMap<>();
            for (String n : pids.keySet()) {
                long[] b = before.get(n);
                long[] a = after.get(n);
                double[] perCommand = new double[a.length];
                for (int g = 0; g < a.length; g++) {
                    perCommand[g] = commands == 0 ? 0 : (a[g] - b[g]) / 1e6 / commands;
                }
                double total = perCommand[a.length - 1];
                all += total;
                javaCpuMs.put(n, (total - perCommand[2] - perCommand[3]) * commands); // GC and JIT threads are not sampled
                lines.add(String.format(Locale.ROOT, "  %-10s %.3f ms (%.2f cores) [%.3f, %.3f, %.3f, %.3f, %.3f]", n, total,
                                        total * result.okPerSecond() / 1000, perCommand[0], perCommand[1], perCommand[2],
                                        perCommand[3], perCommand[4]));
            }
            lines.add(String.format(Locale.ROOT, "  all processes: %.3f ms per accepted command", all));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                try {
                    lines.addAll(JfrProfile.read(f.getValue()).report(f.getKey() + " (" + f.getValue() + ")", commands,
                                                                      javaCpuMs.get(f.getKey()), 25));
                } catch (Exception e) {
                    lines.add("JFR profile of " + f.getKey() + " not read: " + e);
                }
            }
        }
        lines.forEach(LedgerLoadBenchmark::print);
        return lines;
    }

    /**
     * Starts and stops a short JFR recording in every JVM before the setup and the warm-up: JFR's first start
     * retransforms the JDK's I/O classes, which throws away the compiled code that inlined them (so we read it: the JIT
     * threads took 2.2 ms per command in that window, against 0.12 before). Started at the plateau
     * (run 1 of p8-profile), that recompilation took the window from 485 to 89 commands/s, 6 times the CPU per command,
     * and was still going on in the half load after it. Started here, the warm-up recompiles it.
     */
    private void initialiseJfr() throws Exception {
        for (Map.Entry<String, Long> p : probePids().entrySet()) {
            if (!p.getKey().equals("bench")) {
                jcmd(p.getValue(), "JFR.start name=p8init settings=profile");
                jcmd(p.getValue(), "JFR.stop name=p8init");
            }
        }
        print("JFR initialised in every JVM (a recording started and stopped before the setup)");
    }

    /** The CPU of a process by thread group ({@link OpenLoopProbe#threadGroups}), then its total. */
    private static long[] withTotal(long pid) {
        long[] groups = OpenLoopProbe.threadGroups(pid);
        long[] out = Arrays.copyOf(groups, groups.length + 1);
        out[groups.length] = ProcessCpu.nanos(pid);
        return out;
    }

    /**
     * Runs the mix until the JIT has settled: at least {@code bench.warmupSeconds}, then windows of
     * {@code bench.warmupWindowSeconds} until two windows in a row are no more than 5% faster than the best before
     * them, at most {@code bench.warmupMaxSeconds}. On 2 cores, C2 keeps compiling Spring and Axon for minutes: with a fixed 30 s
     * warm-up the sustained levels measured a half-compiled system (end-to-end run 4 in docs/benchmarks.md).
     */
    private void warmUp() throws Exception {
        int concurrency = Math.max(levels[0], Arrays.stream(levels).max().getAsInt() / 2);
        long started = System.nanoTime();
        double best = closedLoop("warm-up", concurrency, warmupSeconds, false).okPerSecond;
        int flatWindows = 0;
        while (flatWindows < 2 && (System.nanoTime() - started) / 1e9 + warmupWindowSeconds <= warmupMaxSeconds) {
            double window = closedLoop("warm-up", concurrency, warmupWindowSeconds, false).okPerSecond;
            flatWindows = window <= best * 1.05 ? flatWindows + 1 : 0;
            best = Math.max(best, window);
        }
        print(String.format(Locale.ROOT, "Warm-up settled after %s s at concurrency %d (best window %.1f commands/s)",
                            seconds(started), concurrency, best));
    }

    private ClosedResult closedLoop(String name, int concurrency, int seconds, boolean sharesOnly) throws Exception {
        return closedLoop(name, concurrency, seconds, () -> nextOp(sharesOnly), Long.MAX_VALUE);
    }

    /** {@code concurrency} callers, each sending its next command when the last is answered. */
    private ClosedResult closedLoop(String name, int concurrency, int seconds, java.util.function.Supplier<Op> ops,
                                    long stopAfterShares) throws Exception {
        Recorder recorder = new Recorder(3);
        Histogram total = new Histogram(3);
        Outcomes outcomes = new Outcomes();
        LongAdder ok = new LongAdder();
        LongAdder all = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        long sharesAtStart = sharesAccepted.sum();
        Map<String, Long> cpuPids = ledger == null ? Map.of() : probePids();
        Map<String, Long> cpuBefore = processCpu(cpuPids);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Thread caller = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Op op = ops.get();
                        long sent = System.nanoTime();
                        int status;
                        try {
                            status = rawGenerator ? KeepAliveHttp.send(op.request())
                                                  : http.send(op.request(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            status = 0;
                        }
                        recorder.recordValue(Math.max(1, System.nanoTime() - sent));
                        all.increment();
                        outcomes.count(op.kind(), status);
                        if (status / 100 == 2) {
                            ok.increment();
                            op.onSuccess().run();
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-caller-" + i);
            caller.setDaemon(true);
            caller.start();
        }
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long lastOk = 0;
        long lastPrint = start;
        while (System.nanoTime() < end && sharesAccepted.sum() - sharesAtStart < stopAfterShares) {
            Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            long now = System.nanoTime();
            if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
                Histogram interval = recorder.getIntervalHistogram();
                total.add(interval);
                long okNow = ok.sum();
                print(String.format(Locale.ROOT, "  %s: %6.0f s, %7.1f commands/s 2xx, p50 %.1f ms, p99 %.1f ms, shares so far %d",
                                    name, (now - start) / 1e9, (okNow - lastOk) / ((now - lastPrint) / 1e9),
                                    ms(interval, 50), ms(interval, 99), sharesAccepted.sum()));
                lastOk = okNow;
                lastPrint = now;
            }
        }
        stop.set(true);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long okCount = ok.sum();
        Map<String, Long> cpuAfter = processCpu(cpuPids);
        long allCount = all.sum();
        long sharesCount = sharesAccepted.sum() - sharesAtStart;
        done.await(90, TimeUnit.SECONDS);
        total.add(recorder.getIntervalHistogram());
        ClosedResult result = new ClosedResult(okCount / elapsed, allCount / elapsed, sharesCount / elapsed, total, outcomes);
        print(String.format(Locale.ROOT, "%s: %.1f commands/s answered 2xx (%.1f all) over %.1f s; p50 %.1f ms, p99 %.1f ms; %s",
                            name, result.okPerSecond(), result.allPerSecond(), elapsed, ms(total, 50), ms(total, 99),
                            outcomes.describe()));
        if (okCount > 0 && !cpuPids.isEmpty()) { // issue 17: is the system warm? CPU per command, window by window
            StringBuilder b = new StringBuilder("  CPU per 2xx command (ms): ");
            double sum = 0;
            for (String p : cpuPids.keySet()) {
                double perCommand = (cpuAfter.get(p) - cpuBefore.get(p)) / 1e6 / okCount;
                sum += perCommand;
                b.append(String.format(Locale.ROOT, "%s %.3f, ", p, perCommand));
            }
            print(b.append(String.format(Locale.ROOT, "all %.3f", sum)).toString());
        }
        return result;
    }

    private void topUp(long shares, int concurrency) throws Exception {
        closedLoop("top-up", concurrency, Integer.MAX_VALUE / 2, () -> nextOp(true), shares);
    }

    // ------------------------------------------------------------------------------------------------------ floor

    private record FloorResult(double perSecond, Histogram latency, double wrkPerSecond, String wrkSummary) {
        String describe() {
            String generator = String.format(Locale.ROOT, "%.1f requests/s answered 200, p50 %.2f ms, p99 %.2f ms",
                                             perSecond, ms(latency, 50), ms(latency, 99));
            if (Double.isNaN(wrkPerSecond)) {
                return generator;
            }
            return generator + String.format(Locale.ROOT, "; wrk right after, same endpoint and connections: %.1f requests/s "
                                                     + "(generator at %.0f%% of wrk%s)", wrkPerSecond,
                                             100 * perSecond / wrkPerSecond, wrkSummary.isEmpty() ? "" : "; " + wrkSummary);
        }
    }

    /**
     * The floor of the HTTP stack, measured by this generator: {@code GET /actuator/info} as the operator. It passes
     * every filter a command passes (correlation id, size limit, authentication, authorisation by role, the
     * per-principal rate limit, the in-flight limit) and Spring MVC, and is answered 200 {@code {}} without Axon or
     * the store. Closed loop at {@code bench.floorConcurrency}, after an unrecorded warm-up of the same request.
     * Then, if {@code wrk} is on the PATH, the same request with wrk's {@code -c} at the same concurrency, to show
     * that the generator is not the limit.
     */
    private FloorResult floor(String name) throws Exception {
        String url = command.get(0).replace("/api/v1", "") + floorPath;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "ApiKey dev-key-operator")
                                         .timeout(Duration.ofSeconds(60)).GET().build();
        Op noop = new Op(Kind.NOOP, request, () -> { }, null);
        if (floorWarmupSeconds > 0) {
            closedLoop(name + " warm-up", floorConcurrency, floorWarmupSeconds, () -> noop, Long.MAX_VALUE);
        }
        ClosedResult result = closedLoop(name, floorConcurrency, floorSeconds, () -> noop, Long.MAX_VALUE);
        double wrk = Double.NaN;
        String summary = "";
        if (floorWrk) {
            try {
                Process p = new ProcessBuilder("wrk", "-t2", "-c" + floorConcurrency, "-d" + floorSeconds + "s",
                                               "-H", "Authorization: ApiKey dev-key-operator", url)
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(floorSeconds + 30L, TimeUnit.SECONDS);
                print("wrk: " + out.replace('\n', ' '));
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
                if (m.find()) {
                    wrk = Double.parseDouble(m.group(1));
                }
                java.util.regex.Matcher non2xx = java.util.regex.Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
                if (non2xx.find()) {
                    summary = non2xx.group(1) + " non-2xx answers";
                }
            } catch (java.io.IOException noWrk) {
                print("wrk not found on the PATH: the generator check is skipped (" + noWrk.getMessage() + ")");
            }
        }
        FloorResult floor = new FloorResult(result.okPerSecond, result.latency, wrk, summary);
        print(name + ": " + floor.describe());
        return floor;
    }

    // ------------------------------------------------------------------------------------------------ open loop

    private record OpenResult(String generator, double rate, long sent, long ok, long notOk, long failed, long lateSends,
                              Histogram latency, Histogram service, Histogram lateness, Outcomes outcomes,
                              Map<String, Long> shareAnsweredAt, PositionTimeline timeline, List<String> probe) {
    }

    /**
     * Sends one command every {@code 1/rate} seconds from one scheduling thread, whatever the system's state; each
     * command's latency runs from its intended send instant to its answer, and (the service time) from its actual
     * send. {@code generator}: {@code raw}, blocking {@link KeepAliveHttp} sends on a pool of up to
     * {@code bench.openThreads} threads that grows only when none is idle (the most recently idle takes the next
     * command, so its kept-alive connection is warm), the closed loops' generator; or {@code jdk}, the JDK
     * {@link HttpClient}'s {@code sendAsync} on {@code bench.clientThreads} threads (the generator of the runs before
     * p6-latency).
     */
    private OpenResult openLoop(String generator, double rate, int seconds) throws Exception {
        print(String.format(Locale.ROOT, "Half load: open loop at %.1f commands/s for %d s, generator %s", rate, seconds,
                            generator));
        boolean raw = !"jdk".equals(generator);
        Recorder recorder = new Recorder(3);
        Histogram total = new Histogram(3);
        Outcomes outcomes = new Outcomes();
        LongAdder ok = new LongAdder();
        LongAdder notOk = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder answered = new LongAdder();
        AtomicLong sentCount = new AtomicLong();
        Map<String, Long> shareAnsweredAt = new ConcurrentHashMap<>();
        // the access-log processor's position over time (an in-memory read on the query side)
        PositionTimeline timeline = PositionTimeline.accessLog(query, pollMillis).start("bench-lag-poller");
        java.util.concurrent.ThreadPoolExecutor senders = !raw ? null : new java.util.concurrent.ThreadPoolExecutor(
                0, openThreads, 4, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "bench-open-sender");
                    t.setDaemon(true);
                    return t;
                });

        long period = Math.max(1, Math.round(1e9 / rate));
        long count = Math.round(rate * seconds);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        OpenLoopProbe probe = new OpenLoopProbe(seconds, start, probePids());
        probe.startSampler(() -> sentCount.get() - answered.sum());
        long late = 0;
        long lastPrint = System.nanoTime();
        long lastAnswered = 0;
        for (long i = 0; i < count; i++) {
            long intended = start + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (System.nanoTime() - intended > 1_000_000) {
                late++;
            }
            Op op = nextOp(false);
            java.util.function.BiConsumer<Long, Integer> onAnswer = (actual, status) -> {
                long now = System.nanoTime();
                recorder.recordValue(Math.max(1, now - intended));
                probe.answered(intended, actual, now, status);
                answered.increment();
                outcomes.count(op.kind(), status);
                if (status == 0) {
                    failed.increment();
                } else if (status / 100 == 2) {
                    ok.increment();
                    if (op.shareId() != null) {
                        shareAnsweredAt.put(op.shareId(), now);
                    }
                    op.onSuccess().run();
                } else {
                    notOk.increment();
                }
            };
            sentCount.incrementAndGet();
            if (raw) {
                try {
                    senders.execute(() -> {
                        long actual = System.nanoTime();
                        probe.sent(intended, actual);
                        int status;
                        try {
                            status = KeepAliveHttp.send(op.request());
                        } catch (Exception e) {
                            status = 0;
                        }
                        onAnswer.accept(actual, status);
                    });
                } catch (java.util.concurrent.RejectedExecutionException saturated) { // every sender busy: an error
                    long now = System.nanoTime();
                    probe.sent(intended, now);
                    onAnswer.accept(now, 0);
                }
            } else {
                long actual = System.nanoTime();
                probe.sent(intended, actual);
                http.sendAsync(op.request(), HttpResponse.BodyHandlers.discarding()).whenComplete(
                        (response, error) -> onAnswer.accept(actual, error != null ? 0 : response.statusCode()));
            }
            long now = System.nanoTime();
            if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
                Histogram interval = recorder.getIntervalHistogram();
                total.add(interval);
                long a = answered.sum();
                print(String.format(Locale.ROOT, "  half load: %5.0f s, answered %7.1f/s, p50 %.2f ms, p99 %.2f ms, "
                                            + "in flight %d, access-log position %d", (now - start) / 1e9,
                                    (a - lastAnswered) / ((now - lastPrint) / 1e9), ms(interval, 50), ms(interval, 99),
                                    i + 1 - a, timeline.lastPosition()));
                lastAnswered = a;
                lastPrint = now;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answered.sum() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        probe.stop();
        if (senders != null) {
            senders.shutdown();
        }
        // keep polling until every accepted share of the phase is projected (checked later), or 30 s
        Thread.sleep(2000);
        awaitProjection("end of half load");
        timeline.stop();
        total.add(recorder.getIntervalHistogram());
        List<String> probeLines = probe.report(pauseLogs);
        OpenResult result = new OpenResult(generator, rate, count, ok.sum(), notOk.sum(), failed.sum(), late, total,
                                           probe.service(), probe.lateness(), outcomes, shareAnsweredAt, timeline,
                                           probeLines);
        print(String.format(Locale.ROOT, "Half load done (%s): sent %d, 2xx %d, other %d, errors %d; p50 %.2f ms, p99 %.2f ms, "
                                    + "max %.2f ms; service p99 %.2f ms; lateness p99 %.2f ms; %d position polls%n%s",
                            generator, count, result.ok(), result.notOk(), result.failed(), ms(total, 50), ms(total, 99),
                            total.getMaxValue() / 1e6, ms(result.service(), 99), ms(result.lateness(), 99), timeline.size(),
                            String.join("\n", probeLines)));
        return result;
    }

    /** The processes the open loop's probe samples: every application, the store and the benchmark. */
    private Map<String, Long> probePids() {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        for (LedgerProcesses.Instance app : ledger.commandInstances()) {
            pids.put(app.name(), app.process().pid());
        }
        for (LedgerProcesses.Instance app : ledger.queryInstances()) {
            pids.put(app.name(), app.process().pid());
        }
        if (!ledger.storeIsExternal()) { // an external MongoDB's CPU is not on this machine's books
            pids.put("store", ledger.storePid());
        }
        pids.put("bench", ProcessHandle.current().pid());
        return pids;
    }

    /**
     * Before an open loop: every query-side processor at the head of the log, then the whole system quiet (the
     * applications' and the store's CPU below {@code bench.quietCpu} of one core) for {@code bench.quietSeconds}
     * seconds in a row, at most {@code bench.quietMaxSeconds}: the closed loops before leave backlogs (processors,
     * sweeps, the store's and the applications' GC) that an open loop started at once would be measured on.
     * Returns a line for the report.
     */
    private String drain(String when) throws Exception {
        long start = System.nanoTime();
        awaitAllProcessors();
        Map<String, Long> pids = probePids();
        pids.remove("bench");
        Map<String, Long> last = processCpu(pids);
        int quiet = 0;
        List<String> samples = new ArrayList<>();
        while (quiet < quietSeconds && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(quietMaxSeconds)) {
            Thread.sleep(1000);
            Map<String, Long> now = processCpu(pids);
            double cores = 0;
            StringBuilder b = new StringBuilder();
            for (String name : pids.keySet()) {
                double c = (now.get(name) - last.get(name)) / 1e9;
                cores += c;
                b.append(String.format(Locale.ROOT, "%s %.0f%% ", name, 100 * c));
            }
            samples.add(b.toString().trim());
            quiet = cores < quietCpu ? quiet + 1 : 0;
            last = now;
        }
        String line = String.format(Locale.ROOT, "Drain before %s: %s s (%s); CPU per second: %s", when, seconds(start),
                                    quiet >= quietSeconds ? "quiet" : "NOT quiet after " + quietMaxSeconds + " s",
                                    samples.size() <= 12 ? samples : samples.subList(samples.size() - 12, samples.size()));
        print(line);
        return line;
    }

    // ---------------------------------------------------------------------------------------------------- lag

    /** The projection lag's lines for the report. */
    private static String describe(PositionTimeline.Lag lag) {
        return String.format(Locale.ROOT, "Projection lag (201 answer -> access record stored), every accepted share of the "
                                     + "half-load phase (n=%d, unmatched %d, already projected when answered %d):%n"
                                     + "  upper bound: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                                     + "  lower bound: p50 %.1f ms, p99 %.1f ms%n"
                                     + "  width of the bound (poll before -> poll after): p50 %.1f ms, p99 %.1f ms%n",
                             lag.count(), lag.unmatched(), lag.beforeAnswer(), ms(lag.upper(), 50), ms(lag.upper(), 99),
                             lag.upper().getMaxValue() / 1e6, ms(lag.lower(), 50), ms(lag.lower(), 99),
                             ms(lag.bound(), 50), ms(lag.bound(), 99));
    }

    /** Waits until the access-log processor stands still at the head of the log (no new events meanwhile). */
    private void awaitProjection(String when) throws Exception {
        long start = System.nanoTime();
        long last = -2;
        int still = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(300)) {
            JsonNode processors = Api.OPERATOR.get(query + "/operator/processors").body();
            long position = -1;
            long head = -1;
            for (JsonNode p : processors) {
                if ("access-log".equals(p.path("name").asText()) && p.path("segmentsClaimed").asInt() > 0) {
                    position = p.path("slowestPosition").asLong(-1);
                    head = p.path("headPosition").asLong(-1);
                }
            }
            if (head >= 0 && position >= head) {
                break;
            }
            still = position == last ? still + 1 : 0;
            if (head < 0 && still >= 10) {
                break; // no head reported: the position stood still for a second
            }
            last = position;
            Thread.sleep(100);
        }
        print("Projection caught up (" + when + ") in " + seconds(start) + " s");
    }

    /** shareId -> {globalPosition}, from the auditor's NDJSON export of the whole access history. */
    private Map<String, long[]> exportAccessRecords() throws Exception {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(query + "/audit/access/export?format=ndjson"))
                                         .header("Authorization", "ApiKey dev-key-auditor")
                                         .timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Export answered " + response.statusCode());
        }
        Map<String, long[]> byShare = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode record = JSON.readTree(line);
                    byShare.put(record.path("shareId").asText(), new long[]{record.path("globalPosition").asLong()});
                }
            }
        }
        print("Export: " + byShare.size() + " access records in " + seconds(start) + " s");
        return byShare;
    }

    // --------------------------------------------------------------------------------------------- audit queries

    private Histogram auditQueries(String name, java.util.function.Function<String, String> url) {
        Histogram histogram = new Histogram(3);
        List<String> all = new ArrayList<>(customers);
        int nonEmpty = 0;
        for (int i = 0; i < auditQueries + 5; i++) {
            String customer = URLEncoder.encode(all.get(ThreadLocalRandom.current().nextInt(all.size())), StandardCharsets.UTF_8);
            long start = System.nanoTime();
            Api.Response response = Api.AUDITOR.get(url.apply(customer));
            long took = System.nanoTime() - start;
            if (response.status() != 200) {
                throw new IllegalStateException("Audit query " + name + " answered " + response.status() + ": " + response.body());
            }
            if (i >= 5) { // 5 warm-up requests
                histogram.recordValue(took);
                JsonNode body = response.body();
                if ((body.has("records") ? body.path("records").size() : body.size()) > 0) {
                    nonEmpty++;
                }
            }
        }
        print(String.format(Locale.ROOT, "Audit %s: p50 %.1f ms, p99 %.1f ms (n=%d, %d with results)", name,
                            ms(histogram, 50), ms(histogram, 99), histogram.getTotalCount(), nonEmpty));
        return histogram;
    }

    // ----------------------------------------------------------------------------------------------------- heap

    private final List<Double> appHeapAfterGc = new ArrayList<>();

    private List<String> heap() throws Exception {
        List<String> lines = new ArrayList<>();
        List<LedgerProcesses.Instance> apps = new ArrayList<>(ledger.commandInstances());
        apps.addAll(ledger.queryInstances());
        for (LedgerProcesses.Instance app : apps) {
            double before = heapUsed(app.url());
            jcmd(app.process().pid(), "GC.run");
            double after = heapUsed(app.url());
            appHeapAfterGc.add(after / 1048576);
            lines.add(String.format(Locale.ROOT, "%-10s pid %-7d heap used %7.1f MiB, after a full GC %7.1f MiB (max %s)",
                                    app.name(), app.process().pid(), before / 1048576, after / 1048576,
                                    System.getProperty("ledger.appHeap", "512m")));
        }
        if (ledger.storeIsExternal()) {
            lines.add("store      external MongoDB: no heap figures");
            return lines;
        }
        String info = jcmd(ledger.storePid(), "GC.heap_info");
        jcmd(ledger.storePid(), "GC.run");
        String afterGc = jcmd(ledger.storePid(), "GC.heap_info");
        lines.add("store      pid " + ledger.storePid() + " GC.heap_info: " + firstLine(info) + "; after a full GC: "
                          + firstLine(afterGc) + " (max " + System.getProperty("ledger.storeHeap", "512m") + ")");
        return lines;
    }

    private static double heapUsed(String base) {
        JsonNode metric = Api.OPERATOR.get(base + "/actuator/metrics/jvm.memory.used?tag=area:heap").body();
        return metric.path("measurements").path(0).path("value").asDouble(-1);
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                       Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static String firstLine(String jcmdOutput) {
        return String.join("; ", jcmdOutput.lines().filter(l -> l.contains("used"))
                                           .map(l -> l.trim().replaceAll(" \\[.*", "")).toList());
    }

    // ---------------------------------------------------------------------------------------------------- util

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void print(String line) {
        System.out.println("[" + Instant.now().toString().substring(11, 19) + "] " + line);
        System.out.flush();
    }
}
