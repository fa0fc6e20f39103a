package io.consentledger.command.config;

import io.consentledger.command.CommandSideApplication;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: a harness that measures what encryption of personal data costs the command side per command (issue 16,
 * p9-enc; docs/benchmarks.md). Two command-side applications run in this JVM, each on its own in-memory store, one
 * sealing personal data and one storing it in the clear (the encryption A/B's two arms), each with its own customers,
 * links and consents. Rounds of the load benchmark's mix (per 100 commands: 3 links, 3 consent requests, 3
 * authorisations, 1 revocation, 60 balance shares, 30 transaction shares of 1–3 transactions; the same bodies) go to
 * one arm at a time, in the order off, on, on, off, …, over real HTTP from caller threads of this JVM. For each round,
 * the CPU ({@link java.lang.management.ThreadMXBean}) and the allocation of every thread except the callers', by
 * thread group, per accepted command. GC and JIT threads are not Java threads and are not counted.
 * <p>
 * Runs only with {@code -Dprofile.encryption=true}; {@code profile.rounds} (8), {@code profile.commands} (4000 a
 * round), {@code profile.callers} (8), {@code profile.consents} (300 an arm), {@code profile.warmupRounds} (6). Pair
 * it with JFR through {@code -DargLine=-XX:StartFlightRecording=...}.
 */
@EnabledIfSystemProperty(named = "profile.encryption", matches = "true")
class EncryptionCostProfile {

    private static final String[] PURPOSES = {"FRAUD_ALERTS", "CUSTOMER_SERVICE", "PERSONAL_FINANCE"};
    private static final AtomicLong IDS = new AtomicLong();
    /** A fixed master key for the run (not a secret: the stores are in memory and die with the run). */
    private static final String MASTER_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    /** One command-side application and its customers. */
    private static final class Arm {
        final String name;
        final ConfigurableApplicationContext context;
        final String url;
        final ConcurrentLinkedQueue<String[]> linksWithoutConsent = new ConcurrentLinkedQueue<>(); // linkId, bank
        final ConcurrentLinkedQueue<String[]> awaitingAuthorisation = new ConcurrentLinkedQueue<>(); // consentId, linkId, bank
        final CopyOnWriteArrayList<String[]> shareable = new CopyOnWriteArrayList<>();
        final int size;

        Arm(String name, ConfigurableApplicationContext context, int size) {
            this.name = name;
            this.context = context;
            this.url = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + "/api/v1";
            this.size = size;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void cpuPerCommand() throws Exception {
        int rounds = Integer.getInteger("profile.rounds", 8);
        int commands = Integer.getInteger("profile.commands", 4000);
        int callers = Integer.getInteger("profile.callers", 8);
        int consents = Integer.getInteger("profile.consents", 300);
        int warmupRounds = Integer.getInteger("profile.warmupRounds", 6);
        Arm off = new Arm("off", start(false), consents);
        Arm on = new Arm("on", start(true), consents);
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread t = new Thread(r, "profile-caller");
            t.setDaemon(true);
            return t;
        });
        try {
            String jfr = System.getProperty("profile.jfr", "");
            if (!jfr.isBlank()) {
                // JFR's first start in a JVM throws away compiled code (docs/benchmarks.md, p8-profile): start and stop
                // it once before the warm-up, so that the warm-up recompiles it
                try (jdk.jfr.Recording init = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
                    init.start();
                    Thread.sleep(1000);
                    init.stop();
                }
            }
            for (Arm arm : List.of(off, on)) {
                setUp(arm, pool);
            }
            for (int w = 0; w < warmupRounds; w++) {
                Arm arm = w % 2 == 0 ? off : on;
                Result r = round(arm, pool, commands, callers);
                System.out.printf(Locale.ROOT, "PROFILE warm-up %d (%s): %s%n", w, arm.name, r.describe());
            }
            Map<String, List<Result>> byArm = new HashMap<>();
            jdk.jfr.Recording recording = null;
            if (!jfr.isBlank()) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
            }
            for (int i = 0; i < rounds; i++) {
                Arm arm = (i % 4 == 0 || i % 4 == 3) ? off : on; // off, on, on, off, ...
                Result r = round(arm, pool, commands, callers);
                byArm.computeIfAbsent(arm.name, k -> new ArrayList<>()).add(r);
                System.out.printf(Locale.ROOT, "PROFILE round %d (%s): %s%n", i, arm.name, r.describe());
            }
            System.out.println("PROFILE summary, mean per accepted command over the measured rounds:");
            for (String name : List.of("off", "on")) {
                System.out.printf(Locale.ROOT, "PROFILE   %-3s %s%n", name, Result.mean(byArm.get(name)));
            }
            for (Arm arm : List.of(off, on)) {
                System.out.printf(Locale.ROOT, "PROFILE   %-3s %s%n", arm.name, counters(arm));
            }
            if (recording != null) {
                java.nio.file.Path file = java.nio.file.Path.of(jfr);
                recording.dump(file);
                recording.close();
                jfrSplit(file);
            }
        } finally {
            pool.shutdownNow();
            on.context.close();
            off.context.close();
        }
    }

    private static ConfigurableApplicationContext start(boolean encrypt) {
        // command-line arguments: they override application.yml (default properties would not)
        return new SpringApplicationBuilder(CommandSideApplication.class)
                .run("--server.port=0",
                     "--consent-ledger.mongodb.embedded.in-memory=true",
                     "--consent-ledger.privacy.encrypt=" + encrypt,
                     "--consent-ledger.privacy.master-key=" + MASTER_KEY,
                     "--consent-ledger.expiry.scheduler.enabled=false",
                     "--consent-ledger.erasure.scheduler.enabled=false",
                     "--consent-ledger.security.rate-limit.requests-per-second=1000000",
                     "--consent-ledger.security.rate-limit.burst=1000000",
                     "--consent-ledger.security.rate-limit.per-address.requests-per-second=1000000",
                     "--consent-ledger.security.rate-limit.per-address.burst=1000000",
                     "--logging.structured.format.console=",
                     "--logging.level.root=WARN",
                     "--axon.update-check.disabled=true");
    }

    // ------------------------------------------------------------------------------------------------ load

    private void setUp(Arm arm, ExecutorService pool) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        AtomicInteger left = new AtomicInteger(arm.size);
        for (int t = 0; t < 8; t++) {
            done.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    String[] link = newLink();
                    expect(send(arm, linkBody(link), "/links", bankKey(link[2]), null), arm);
                    String consentId = "consent-" + IDS.incrementAndGet();
                    int recipient = ThreadLocalRandom.current().nextInt(2);
                    expect(send(arm, requestBody(consentId, link[0], recipient), "/consents",
                                "dev-key-" + recipient(recipient), null), arm);
                    expect(send(arm, "{\"evidence\":" + evidence() + "}", "/consents/" + consentId + "/authorise",
                                bankKey(link[2]), null), arm);
                    arm.shareable.add(new String[]{consentId, link[0], link[2]});
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    private static void expect(int status, Arm arm) {
        if (status / 100 != 2) {
            throw new AssertionError(arm.name + ": setup answered " + status);
        }
    }

    private Result round(Arm arm, ExecutorService pool, int commands, int callers) throws Exception {
        Map<String, long[]> before = byGroup();
        long t0 = System.nanoTime();
        AtomicInteger left = new AtomicInteger(commands);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            done.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    int status = next(arm);
                    (status / 100 == 2 ? accepted : refused).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        Thread.sleep(300); // background work the round caused (snapshots, the idempotency writer)
        long wall = System.nanoTime() - t0;
        Map<String, long[]> after = byGroup();
        Map<String, double[]> per = new TreeMap<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            per.put(e.getKey(), new double[]{(e.getValue()[0] - b[0]) / 1e6 / accepted.get(),
                                             (e.getValue()[1] - b[1]) / 1024.0 / accepted.get()});
        }
        return new Result(accepted.get(), refused.get(), wall / 1e9, per);
    }

    /** One command of the mix on {@code arm}'s customers; its HTTP status. */
    private int next(Arm arm) throws Exception {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 3) {
            String[] link = newLink();
            int status = send(arm, linkBody(link), "/links", bankKey(link[2]), null);
            arm.linksWithoutConsent.add(link);
            return status;
        } else if (dice < 6) {
            return request(arm, arm.linksWithoutConsent.poll());
        } else if (dice < 9) {
            String[] consent = arm.awaitingAuthorisation.poll();
            if (consent == null) {
                return request(arm, arm.linksWithoutConsent.poll());
            }
            int status = send(arm, "{\"evidence\":" + evidence() + "}", "/consents/" + consent[0] + "/authorise",
                              bankKey(consent[2]), null);
            arm.shareable.add(consent);
            return status;
        } else if (dice < 10) {
            String[] consent;
            synchronized (arm.shareable) {
                if (arm.shareable.size() <= arm.size / 2) {
                    return shareBalance(arm);
                }
                consent = arm.shareable.remove(ThreadLocalRandom.current().nextInt(arm.shareable.size()));
            }
            return send(arm, "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}",
                        "/consents/" + consent[0] + "/revoke", bankKey(consent[2]), null);
        } else if (dice < 70) {
            return shareBalance(arm);
        }
        return shareTransactions(arm);
    }

    private int request(Arm arm, String[] link) throws Exception {
        if (link == null) {
            link = newLink();
            int status = send(arm, linkBody(link), "/links", bankKey(link[2]), null);
            arm.linksWithoutConsent.add(link);
            return status;
        }
        String consentId = "consent-" + IDS.incrementAndGet();
        int recipient = ThreadLocalRandom.current().nextInt(2);
        int status = send(arm, requestBody(consentId, link[0], recipient), "/consents", "dev-key-" + recipient(recipient), null);
        arm.awaitingAuthorisation.add(new String[]{consentId, link[0], link[2]});
        return status;
    }

    private String[] anyShareable(Arm arm) {
        while (true) {
            try {
                return arm.shareable.get(ThreadLocalRandom.current().nextInt(arm.shareable.size()));
            } catch (IndexOutOfBoundsException raced) {
                // a revocation shrank the list meanwhile
            }
        }
    }

    private int shareBalance(Arm arm) throws Exception {
        String[] consent = anyShareable(arm);
        String shareId = "share-" + IDS.incrementAndGet();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String body = "{\"shareId\":\"" + shareId + "\",\"linkId\":\"" + consent[1] + "\",\"amount\":"
                + random.nextInt(100_000) + "." + (10 + random.nextInt(90)) + ",\"currency\":\"EUR\",\"asOf\":\""
                + Instant.now().minusSeconds(1) + "\",\"purpose\":\"" + PURPOSES[random.nextInt(PURPOSES.length)] + "\"}";
        return send(arm, body, "/consents/" + consent[0] + "/shares/balance", bankKey(consent[2]), shareId);
    }

    private int shareTransactions(Arm arm) throws Exception {
        String[] consent = anyShareable(arm);
        String shareId = "share-" + IDS.incrementAndGet();
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
        String body = "{\"shareId\":\"" + shareId + "\",\"linkId\":\"" + consent[1] + "\",\"purpose\":\""
                + PURPOSES[random.nextInt(PURPOSES.length)] + "\",\"transactions\":[" + transactions + "]}";
        return send(arm, body, "/consents/" + consent[0] + "/shares/transactions", bankKey(consent[2]), shareId);
    }

    private static String[] newLink() {
        long n = IDS.incrementAndGet();
        return new String[]{"link-" + n, "cust-" + n, String.valueOf(1 + ThreadLocalRandom.current().nextInt(2))};
    }

    private static String linkBody(String[] link) {
        return "{\"linkId\":\"" + link[0] + "\",\"customerId\":\"" + link[1] + "\",\"providerId\":\"bank-" + link[2]
                + "\",\"accountId\":\"acc-" + link[0] + "\",\"currency\":\"EUR\",\"evidence\":" + evidence() + "}";
    }

    private static String requestBody(String consentId, String linkId, int recipient) {
        return "{\"consentId\":\"" + consentId + "\",\"recipientId\":\"" + recipient(recipient)
                + "\",\"linkIds\":[\"" + linkId + "\"],\"scopes\":[\"BALANCES\",\"TRANSACTIONS\"],"
                + "\"purposes\":[\"FRAUD_ALERTS\",\"CUSTOMER_SERVICE\",\"PERSONAL_FINANCE\"],\"expiresAt\":\""
                + Instant.now().plus(Duration.ofDays(180)) + "\",\"window\":{\"lookbackDays\":90},"
                + "\"frequency\":{\"maxPerDay\":10000}}";
    }

    private static String evidence() {
        return "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + Instant.now().minusSeconds(1)
                + "\",\"disclosureVersion\":\"tc-7\"}";
    }

    private static String bankKey(String bank) {
        return "dev-key-bank-" + bank;
    }

    private static String recipient(int recipient) {
        return recipient == 0 ? "messenger" : "voice-assistant";
    }

    private int send(Arm arm, String body, String path, String key, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(arm.url + path))
                                           .header("Authorization", "ApiKey " + key)
                                           .header("Content-Type", "application/json")
                                           .timeout(Duration.ofSeconds(60))
                                           .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // ------------------------------------------------------------------------------------------------ figures

    private record Result(int accepted, int refused, double seconds, Map<String, double[]> perCommand) {

        double total(int i) {
            return perCommand.values().stream().mapToDouble(v -> v[i]).sum();
        }

        String describe() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "%d accepted, %d refused, %.1f s (%.0f/s); CPU %.4f ms, alloc %.1f KiB per command [",
                    accepted, refused, seconds, accepted / seconds, total(0), total(1)));
            perCommand.forEach((g, v) -> {
                if (v[0] >= 0.0005 || v[1] >= 0.5) {
                    s.append(String.format(Locale.ROOT, "%s %.4f ms %.1f KiB; ", g, v[0], v[1]));
                }
            });
            return s.append(']').toString();
        }

        static String mean(List<Result> results) {
            Map<String, double[]> sum = new TreeMap<>();
            double[] totals = new double[2];
            double[] sq = new double[1];
            for (Result r : results) {
                r.perCommand.forEach((g, v) -> {
                    double[] acc = sum.computeIfAbsent(g, k -> new double[2]);
                    acc[0] += v[0] / results.size();
                    acc[1] += v[1] / results.size();
                });
                totals[0] += r.total(0) / results.size();
                totals[1] += r.total(1) / results.size();
            }
            for (Result r : results) {
                sq[0] += Math.pow(r.total(0) - totals[0], 2);
            }
            double se = Math.sqrt(sq[0] / (results.size() - 1) / results.size());
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "CPU %.4f ms (SE %.4f), alloc %.1f KiB [",
                                                              totals[0], se, totals[1]));
            sum.forEach((g, v) -> {
                if (v[0] >= 0.0005 || v[1] >= 0.5) {
                    s.append(String.format(Locale.ROOT, "%s %.4f ms %.1f KiB; ", g, v[0], v[1]));
                }
            });
            return s.append(']').toString();
        }
    }

    /** CPU ns and allocated bytes of every live thread but the callers and the HTTP client's, by group. */
    private static Map<String, long[]> byGroup() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, long[]> groups = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            long alloc = threads.getThreadAllocatedBytes(id);
            if (info == null || cpu < 0) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("profile-caller") || name.startsWith("HttpClient")) {
                continue;
            }
            String group = name.contains("-exec-") ? "http-requests"
                    : name.startsWith("http-nio") ? "http-io"
                    : name.equals("snapshotter") ? "snapshotter"
                    : name.contains("EventProcessor") || name.contains("WorkPackage") || name.contains("Coordinator")
                      ? "processors"
                    : name.startsWith("mongo-server") || name.contains("nioEventLoop") || name.contains("EventLoop")
                      ? "store"
                    : "other:" + name.replaceAll("[0-9]+", "#");
            long[] acc = groups.computeIfAbsent(group, k -> new long[2]);
            acc[0] += cpu;
            acc[1] += Math.max(0, alloc);
        }
        return groups;
    }

    /**
     * From a JFR recording of the measured rounds: the CPU samples and the sampled allocation of each thread group,
     * the share of them under the privacy package's entry points (sealing, opening, keys, snapshots), and the
     * innermost frames under them.
     */
    private static void jfrSplit(java.nio.file.Path file) throws Exception {
        Map<String, double[]> byGroupAndKind = new TreeMap<>(); // [cpu samples, allocation weight]
        Map<String, Integer> innermost = new HashMap<>();
        Map<String, Double> innermostAlloc = new HashMap<>();
        for (jdk.jfr.consumer.RecordedEvent event : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            boolean cpu = type.equals("jdk.ExecutionSample");
            boolean alloc = type.equals("jdk.ObjectAllocationSample");
            if (!cpu && !alloc || event.getStackTrace() == null) {
                continue;
            }
            jdk.jfr.consumer.RecordedThread thread = event.getThread(cpu ? "sampledThread" : "eventThread");
            String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            if (name.startsWith("profile-caller") || name.startsWith("HttpClient")) {
                continue;
            }
            String group = name.contains("-exec-") ? "http-requests" : name.equals("snapshotter") ? "snapshotter"
                    : name.contains("EventProcessor") || name.contains("WorkPackage") || name.contains("Coordinator")
                      || name.startsWith("EmbeddedEventStore") ? "processors"
                    : name.startsWith("mongo-server") || name.contains("EventLoop") ? "store" : "other";
            String kind = "not privacy";
            String inner = null;
            List<jdk.jfr.consumer.RecordedFrame> frames = event.getStackTrace().getFrames();
            for (int i = frames.size() - 1; i >= 0; i--) { // outermost first: the first entry point wins
                jdk.jfr.consumer.RecordedMethod m = frames.get(i).getMethod();
                String cls = m.getType().getName();
                if (cls.startsWith("io.consentledger.eventstore.privacy.")) {
                    String method = m.getName();
                    kind = cls.endsWith("CustomerKeys") ? "keys"
                            : method.contains("Snapshot") ? "snapshot " + method
                            : method.startsWith("protect") ? "seal"
                            : method.startsWith("reveal") || method.startsWith("open") ? "open"
                            : cls.substring(cls.lastIndexOf('.') + 1) + "." + method;
                    jdk.jfr.consumer.RecordedMethod top = frames.get(0).getMethod();
                    inner = kind + " <- " + top.getType().getName() + "." + top.getName();
                    break;
                }
            }
            double weight = alloc ? event.getLong("weight") : 1;
            double[] acc = byGroupAndKind.computeIfAbsent(group + " / " + kind, k -> new double[2]);
            acc[cpu ? 0 : 1] += weight;
            if (inner != null) {
                if (cpu) {
                    innermost.merge(inner, 1, Integer::sum);
                } else {
                    innermostAlloc.merge(inner, weight, Double::sum);
                }
            }
        }
        System.out.println("PROFILE JFR (measured rounds, both arms): CPU samples and sampled allocation by thread group and entry point");
        byGroupAndKind.forEach((k, v) -> System.out.printf(Locale.ROOT, "PROFILE JFR   %-45s %6.0f samples %9.1f MiB%n", k,
                                                           v[0], v[1] / 1048576));
        System.out.println("PROFILE JFR innermost frames under the privacy package, CPU samples:");
        innermost.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(30)
                 .forEach(e -> System.out.printf(Locale.ROOT, "PROFILE JFR   %5d %s%n", e.getValue(), e.getKey()));
        System.out.println("PROFILE JFR innermost frames under the privacy package, sampled allocation:");
        innermostAlloc.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(20)
                      .forEach(e -> System.out.printf(Locale.ROOT, "PROFILE JFR   %8.1f MiB %s%n", e.getValue() / 1048576, e.getKey()));
    }

    private static String counters(Arm arm) {
        StringBuilder s = new StringBuilder();
        MeterRegistry registry = arm.context.getBean(MeterRegistry.class);
        registry.find("ledger.aggregate.loads").counters().forEach(c -> s.append(c.getId().getTag("aggregate")).append('/')
                .append(c.getId().getTag("outcome")).append('=').append((long) c.count()).append(' '));
        PersonalDataCodec codec = arm.context.getBean(PersonalDataCodec.class);
        s.append("sharedOpenings=").append(codec.sharedOpenings());
        s.append(" keys=").append(arm.context.getBean(CustomerKeys.class));
        return s.toString();
    }
}
