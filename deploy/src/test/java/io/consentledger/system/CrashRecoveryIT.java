package io.consentledger.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes under load lose nothing acknowledged (issue 13, part 2). The ledger runs as {@code deploy/local/run.sh}
 * runs it, on the embedded store's file: two command-side instances and one query-side instance, each a process.
 * <ol>
 *     <li>While a load generator sends consents, authorisations, shares and revocations, every one with an
 *     {@code Idempotency-Key} and retried with it until it gets an answer, one command-side instance is killed with
 *     SIGKILL three times at random moments and restarted, and the query side once. Afterwards every acknowledged
 *     command's event is in the log exactly once, the log has no duplicate, a retry of every request changes
 *     nothing, the read models are what a replay builds, and the compliance check finds no violation.</li>
 *     <li>The store itself is killed under load, with the applications (a crash of the machine): it loses the
 *     writes of about its last second. What it kept has whole commits, no duplicate and contiguous aggregate
 *     streams; the ledger starts on it again, takes commands (also on consents stored before the kill), seals the
 *     positions lost in flight, the processors go on, and a replay rebuilds the read models from the log.</li>
 * </ol>
 * The kill moments and the load come from one seed, logged at start; {@code -Dcrash.seed=…} replays a run's choices
 * (the timing of processes still varies).
 * <p>
 * With {@code CONSENT_LEDGER_TEST_MONGODB_URI} set, the ledger runs on that MongoDB instead of the store file
 * ({@link ExternalStore}): part 1 runs on it as it is, part 2 is skipped, because a test must not kill a MongoDB it
 * did not start, and what a killed embedded store loses is not what a MongoDB replica set loses (docs/decisions.md,
 * "System tests on an external MongoDB").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final int WORKERS = 4;
    private static final int LINKS = 4;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(90);
    private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(90);
    private static final List<String> PROJECTIONS = List.of("access-log", "balances", "consents", "compliance");
    private static final String[] ARGS = {
            // a request that died holding its Idempotency-Key is taken over after 3 s instead of 60 s
            "--consent-ledger.idempotency.pending-timeout=3s",
            // positions lost with a killed writer are sealed after 2 s instead of 10 s
            "--consent-ledger.event-store.gap-timeout=2s",
            // the killed query side's claims expire after 3 s instead of 10 s
            "--consent-ledger.event-store.token-claim-timeout=3s",
            // the load is one provider and one recipient: the per-caller rate limit would refuse most of it
            "--consent-ledger.security.rate-limit.requests-per-second=100000",
            "--consent-ledger.security.rate-limit.burst=100000"};

    private static LedgerProcesses ledger;
    private static final String EVIDENCE_NOW = Instant.now().toString();

    @BeforeAll
    static void start() throws Exception {
        System.out.println("CrashRecoveryIT seed: " + SEED + " (replay with -Dcrash.seed=" + SEED + ")");
        Path logs = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs")).resolve("crash-recovery");
        Path store = logs.resolve("store-data").resolve("consent-ledger.mv");
        Files.deleteIfExists(store);
        ledger = LedgerProcesses.start("crash-recovery", store, 2, 1, ARGS);
        for (int i = 0; i < LINKS; i++) {
            Api.Response linked = Api.BANK.post(command(0) + "/links", "{\"linkId\":\"link-crash-" + i + "\",\"customerId\":\"cust-crash-"
                    + i + "\",\"providerId\":\"bank-1\",\"accountId\":\"acc-crash-" + i + "\",\"currency\":\"EUR\",\"evidence\":"
                    + evidence() + "}");
            assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Application processes killed under load

    @Test
    @Order(1)
    void killedApplicationsLoseNoAcknowledgedCommandAndDuplicateNothing() throws Exception {
        long started = System.nanoTime();
        Random kills = new Random(SEED);
        Load load = new Load(SEED, WORKERS).start();
        load.awaitAcknowledged(30);

        // The query side dies once, at a random moment of the command-side kills.
        int queryKillAfter = kills.nextInt(3);
        for (int k = 0; k < 3; k++) {
            Thread.sleep(500 + kills.nextInt(2500));
            int victim = kills.nextInt(2);
            log("kill " + (k + 1) + ": SIGKILL command-" + (victim + 1) + " after " + load.acknowledged() + " acknowledged");
            ledger.killCommand(victim);
            java.util.concurrent.CompletableFuture<Void> queryBack = java.util.concurrent.CompletableFuture.completedFuture(null);
            if (k == queryKillAfter) {
                Thread.sleep(kills.nextInt(1000));
                log("SIGKILL query-1 after " + load.acknowledged() + " acknowledged");
                ledger.killQuery(0);
                queryBack = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        ledger.restartQuery(0);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    log("query-1 back");
                });
            }
            ledger.restartCommand(victim);
            log("command-" + (victim + 1) + " back, " + load.acknowledged() + " acknowledged");
            queryBack.get();
        }
        Thread.sleep(1000 + kills.nextInt(1000));
        load.stop();
        log("load: " + load.summary() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(load.unanswered).as("requests that never got an answer within " + ANSWER_WITHIN).isEmpty();

        // every acknowledged command's event is in the log, exactly once; the log has no duplicate
        try (MongoClient client = MongoClients.create(ledger.mongoUri())) {
            MongoDatabase database = client.getDatabase(ledger.databaseName());
            Log log = Log.read(database);
            log.assertNoDuplicates();
            log.assertContiguousAggregateStreams();
            List<String> missing = new ArrayList<>();
            List<String> repeated = new ArrayList<>();
            for (Op op : load.answered) {
                if (op.status / 100 != 2) {
                    continue;
                }
                int found = log.count(op.expectedEvent, op.eventKey);
                if (found == 0) {
                    missing.add(op.describe());
                } else if (found > 1) {
                    repeated.add(op.describe() + " x" + found);
                }
            }
            assertThat(missing).as("acknowledged commands with no event in the log").isEmpty();
            assertThat(repeated).as("acknowledged commands with more than one event in the log").isEmpty();
            // no share is in the log twice, acknowledged or not: every retry carried its Idempotency-Key
            assertThat(log.repeatedShareIds()).as("shares recorded more than once").isEmpty();

            // retrying every request with its Idempotency-Key changes nothing
            long head = log.head;
            int commits = log.commits;
            List<String> different = java.util.Collections.synchronizedList(new ArrayList<>());
            long retryStarted = System.nanoTime();
            java.util.concurrent.ForkJoinPool retries = new java.util.concurrent.ForkJoinPool(WORKERS);
            try {
                retries.submit(() -> load.answered.parallelStream().forEach(op -> {
                    Api.Response again = op.api.post(anyCommand() + op.path, op.body, op.key);
                    if (again.status() != op.status || !again.body().equals(op.response) || !again.replayed()) {
                        different.add(op.describe() + " -> " + again.status() + " replayed=" + again.replayed() + " " + again.body());
                    }
                })).get();
            } finally {
                retries.shutdown();
            }
            log(load.answered.size() + " requests sent again in " + (System.nanoTime() - retryStarted) / 1_000_000 + " ms");
            assertThat(different).as("retries answered differently from the first answer").isEmpty();
            Log after = Log.read(database);
            assertThat(after.head).as("no position taken by the retries").isEqualTo(head);
            assertThat(after.commits).as("no commit by the retries").isEqualTo(commits);

            // the query side converges to exactly the read model a replay from the log builds
            assertReadModelsAreWhatAReplayBuilds(database);
        }
        assertCompliant();
        log("application kills: checked in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. The store process killed under load

    @Test
    @Order(2)
    void afterTheStoreIsKilledTheLedgerStartsSealsWhatIsMissingAndGoesOn() throws Exception {
        Assumptions.assumeFalse(ledger.storeIsExternal(), "the store is the external MongoDB named by "
                + ExternalStore.URI_VARIABLE + ": a test does not kill a MongoDB it did not start, and this part checks "
                + "what the embedded store's file keeps after SIGKILL");
        long started = System.nanoTime();
        Random random = new Random(SEED ^ 0x5EEDL);
        Load load = new Load(SEED + 1000, 2).start();
        load.awaitAcknowledged(20);
        Thread.sleep(500 + random.nextInt(2000));
        Instant killedAt = Instant.now();
        ledger.killStore();
        log("SIGKILL store after " + load.acknowledged() + " acknowledged");
        // The machine went down with it: the applications are killed as well, and everything starts again on the file.
        ledger.killCommand(0);
        ledger.killCommand(1);
        ledger.killQuery(0);
        load.abandon();
        ledger.restartStore();
        ledger.restartStoppedApplications();
        log("store and applications back after " + (System.nanoTime() - started) / 1_000_000 + " ms");

        try (MongoClient client = MongoClients.create(ledger.mongoUri())) {
            MongoDatabase database = client.getDatabase(ledger.databaseName());
            Log log = Log.read(database);
            log.assertNoDuplicates();
            log.assertContiguousAggregateStreams();
            log.assertEveryCommitIsFoundThroughItsUniqueIndexes(database);
            // Not one snapshot: the file holds each collection as of its own moment, so the counter may be behind the
            // last commit; a writer that finds its position taken takes the next one (docs/event-store.md, "Crashes").
            log("store kill: counter " + log.head + ", highest stored position " + log.maxPosition);

            // What the store lost: acknowledged commands whose events are not in the file. Only the last moments.
            List<Op> lost = new ArrayList<>();
            for (Op op : load.answered) {
                if (op.status / 100 == 2 && log.count(op.expectedEvent, op.eventKey) == 0) {
                    lost.add(op);
                }
            }
            Instant earliestLost = lost.stream().map(op -> op.answeredAt).min(Instant::compareTo).orElse(killedAt);
            log("store kill: " + lost.size() + " of " + load.acknowledged() + " acknowledged commands lost, the earliest answered "
                        + Duration.between(earliestLost, killedAt).toMillis() + " ms before the kill");
            assertThat(Duration.between(earliestLost, killedAt))
                    .as("only writes acknowledged in the store's last commit interval are lost")
                    .isLessThan(Duration.ofSeconds(5));

            // The ledger goes on: new commands are accepted, also on the consents stored before the kill, the
            // processors pass the head, and lost positions are sealed.
            List<String> refused = new ArrayList<>();
            int sharedOnOld = 0;
            for (String consentId : log.authorisedNotRevoked()) {
                Api.Response share = Api.BANK.post(anyCommand() + "/consents/" + consentId + "/shares/balance",
                        "{\"shareId\":\"" + consentId + "-after-restart\",\"linkId\":\"" + log.linkOf(consentId)
                        + "\",\"amount\":1.00,\"currency\":\"EUR\",\"asOf\":\"" + Instant.now().minusSeconds(1)
                        + "\",\"purpose\":\"BALANCE_CHECK\"}");
                if (share.status() != 201) {
                    refused.add(consentId + " -> " + share.status() + " " + share.body());
                }
                sharedOnOld++;
            }
            assertThat(refused).as("shares on consents stored before the store was killed").isEmpty();
            log("store kill: " + sharedOnOld + " consents stored before the kill take new shares");
            Load after = new Load(SEED + 2000, 2).start();
            after.awaitAcknowledged(20);
            after.stop();
            assertThat(after.unanswered).isEmpty();
            Log now = awaitProcessorsAtHeadAndRead(database);
            now.assertNoDuplicates();
            now.assertContiguousAggregateStreams();
            now.assertEveryCommitIsFoundThroughItsUniqueIndexes(database);
            for (Op op : after.answered) {
                if (op.status / 100 == 2) {
                    assertThat(now.count(op.expectedEvent, op.eventKey)).as(op.describe()).isEqualTo(1);
                }
            }
            assertThat(now.unfilledPositionsUpTo(now.head)).as("positions neither committed nor sealed").isEmpty();
            log("store kill: " + now.tombstones + " positions sealed; head " + now.head);
            // After the store's own crash the read models may miss writes the store lost while it kept the token
            // past them (docs/event-store.md, "Crashes"): a replay repairs them, and builds one access record per share.
            List<String> differences = readModelsAgainstAReplay(database);
            log("store kill: read models that differed from a replay before it: " + differences);
            Log replayed = awaitProcessorsAtHeadAndRead(database);
            assertThat(database.getCollection("access_records").countDocuments())
                    .as("one access record per share in the log, after the replay").isEqualTo(replayed.shareIds.size());
        }
        assertCompliant();
        log("store kill: checked in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The load generator

    /** One command as sent, and its final answer. */
    private static final class Op {
        final Api api;
        final String path;
        final String body;
        final String key;
        final String expectedEvent;
        final String eventKey;
        int status;
        JsonNode response;
        Instant answeredAt;
        int attempts;

        Op(Api api, String path, String body, String key, String expectedEvent, String eventKey) {
            this.api = api;
            this.path = path;
            this.body = body;
            this.key = key;
            this.expectedEvent = expectedEvent;
            this.eventKey = eventKey;
        }

        String describe() {
            return "POST " + path + " [" + key + "] " + status + " after " + attempts + " attempt(s)";
        }
    }

    /**
     * Workers, each running consents through their life: requested, authorised, shares, most of them revoked. Every
     * request carries an Idempotency-Key and is sent again, with the same key and bytes, to either command-side
     * instance until it gets an answer that is not a connection failure, a 5xx or "in flight".
     */
    private static final class Load {
        final long seed;
        final int workers;
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicBoolean abandoning = new AtomicBoolean();
        final ConcurrentLinkedQueue<Op> answered = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Op> unanswered = new ConcurrentLinkedQueue<>();
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger connectionFailures = new AtomicInteger();
        final AtomicInteger serverErrors = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        Load(long seed, int workers) {
            this.seed = seed;
            this.workers = workers;
        }

        Load start() {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                Thread thread = new Thread(() -> {
                    try {
                        run(worker);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }, "load-" + seed + "-" + w);
                threads.add(thread);
                thread.start();
            }
            return this;
        }

        int acknowledged() {
            return acknowledged.get();
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acknowledged.get() < count && System.nanoTime() < deadline && failures.isEmpty()) {
                Thread.sleep(50);
            }
            assertThat(failures).isEmpty();
            assertThat(acknowledged.get()).as("acknowledged commands").isGreaterThanOrEqualTo(count);
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            for (Thread thread : threads) {
                thread.join(ANSWER_WITHIN.plusSeconds(30).toMillis());
                assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
            }
            assertThat(failures).isEmpty();
        }

        /** Stops at once: a request still waiting for an answer is given up (the ledger is down). */
        void abandon() throws InterruptedException {
            abandoning.set(true);
            stop();
        }

        String summary() {
            Map<Integer, Integer> statuses = new TreeMap<>();
            answered.forEach(op -> statuses.merge(op.status, 1, Integer::sum));
            long retried = answered.stream().filter(op -> op.attempts > 1).count();
            return answered.size() + " commands answered " + statuses + ", " + retried + " of them after a retry; "
                    + connectionFailures + " connection failures, " + serverErrors + " 5xx or 429, " + inFlight + " in flight; "
                    + unanswered.size() + " unanswered";
        }

        private void run(int worker) throws InterruptedException {
            Random random = new Random(seed * 31 + worker);
            for (int n = 0; !stopping.get(); n++) {
                String consentId = "consent-" + seed + "-" + worker + "-" + n;
                String linkId = "link-crash-" + random.nextInt(LINKS);
                Instant now = Instant.now();
                Op requested = send(random, new Op(Api.MESSENGER, "/consents", "{\"consentId\":\"" + consentId
                        + "\",\"recipientId\":\"messenger\",\"linkIds\":[\"" + linkId + "\"],\"scopes\":[\"BALANCES\"],"
                        + "\"purposes\":[\"BALANCE_CHECK\"],\"expiresAt\":\"" + now.plus(Duration.ofDays(30)) + "\","
                        + "\"window\":{\"lookbackDays\":1},\"frequency\":{\"maxPerDay\":10000}}",
                        key(random), "ConsentRequested", consentId));
                if (requested == null || requested.status != 201) {
                    continue;
                }
                Op authorised = send(random, new Op(Api.BANK, "/consents/" + consentId + "/authorise",
                        "{\"evidence\":" + evidence() + "}", key(random), "ConsentAuthorised", consentId));
                if (authorised == null || authorised.status != 200) {
                    continue;
                }
                int shares = 2 + random.nextInt(6);
                for (int s = 0; s < shares && !stopping.get(); s++) {
                    String shareId = consentId + "-share-" + s;
                    send(random, new Op(Api.BANK, "/consents/" + consentId + "/shares/balance", "{\"shareId\":\"" + shareId
                            + "\",\"linkId\":\"" + linkId + "\",\"amount\":" + random.nextInt(100_000) + "." + random.nextInt(10)
                            + ",\"currency\":\"EUR\",\"asOf\":\"" + Instant.now().minusSeconds(1) + "\",\"purpose\":\"BALANCE_CHECK\"}",
                            key(random), "BalanceShared", shareId));
                }
                if (random.nextInt(10) < 7) {
                    send(random, new Op(Api.BANK, "/consents/" + consentId + "/revoke",
                            "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}", key(random), "ConsentRevoked", consentId));
                }
            }
        }

        private String key(Random random) {
            return "crash-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        }

        /** Sends until answered; null when no answer came in time (recorded as unanswered). */
        private Op send(Random random, Op op) throws InterruptedException {
            long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
            while (System.nanoTime() < deadline && !abandoning.get()) {
                op.attempts++;
                String base = liveCommand(random);
                if (base == null) {
                    Thread.sleep(50);
                    continue;
                }
                Api.Response response;
                try {
                    response = op.api.post(base + op.path, op.body, op.key);
                } catch (IllegalStateException unreachable) {
                    connectionFailures.incrementAndGet();
                    Thread.sleep(50);
                    continue;
                }
                if (response.status() >= 500 || response.status() == 429) {
                    serverErrors.incrementAndGet();
                    Thread.sleep(100);
                    continue;
                }
                if (response.status() == 409 && response.text("type").endsWith("/idempotency-key-in-flight")) {
                    inFlight.incrementAndGet();
                    Thread.sleep(250);
                    continue;
                }
                op.status = response.status();
                op.response = response.body();
                op.answeredAt = Instant.now();
                answered.add(op);
                if (op.status / 100 == 2) {
                    acknowledged.incrementAndGet();
                }
                Thread.sleep(20 + random.nextInt(40)); // a modest load: the machine also restarts the killed instances
                return op;
            }
            unanswered.add(op);
            return null;
        }
    }

    /** A command-side instance that is running and ready, picked at random; null while none is. */
    private static String liveCommand(Random random) {
        List<LedgerProcesses.Instance> live = ledger.commandInstances().stream()
                .filter(i -> i.url() != null && i.process().isAlive()).toList();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size())).url() + "/api/v1";
    }

    private static String anyCommand() {
        String url = liveCommand(new Random());
        assertThat(url).as("a command-side instance is running").isNotNull();
        return url;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The log, read straight from the store

    /** Every commit document of the {@code events} collection, and what it holds. */
    private static final class Log {
        final Map<String, Integer> byTypeAndKey = new HashMap<>();
        final Map<String, Integer> shareIds = new HashMap<>();
        final Map<Long, Integer> positions = new HashMap<>();
        final Map<String, Integer> eventIds = new HashMap<>();
        final Map<String, List<Long>> sequences = new HashMap<>();
        /** Per commit ({@code _id}): its positions, (aggregate, sequence) keys and event ids, as stored in the document. */
        final Map<Object, List<Object>> positionsOf = new HashMap<>();
        final Map<Object, List<Object>> seqKeysOf = new HashMap<>();
        final Map<Object, List<Object>> eventIdsOf = new HashMap<>();
        final Map<String, String> consentLinks = new HashMap<>();
        final Map<String, String> consentStates = new HashMap<>();
        long head;
        long maxPosition;
        int commits;
        int tombstones;

        static Log read(MongoDatabase database) {
            Log log = new Log();
            Document counter = database.getCollection("events_positions").find(new Document("_id", "global")).first();
            for (Document commit : database.getCollection("events").find().sort(new Document("_id", 1))) {
                log.positionsOf.put(commit.get("_id"), commit.getList("positions", Object.class));
                if (commit.containsKey("seqKeys")) {
                    log.seqKeysOf.put(commit.get("_id"), commit.getList("seqKeys", Object.class));
                }
                if (commit.containsKey("eventIds")) {
                    log.eventIdsOf.put(commit.get("_id"), commit.getList("eventIds", Object.class));
                }
                for (Object position : commit.getList("positions", Object.class)) {
                    long p = ((Number) position).longValue();
                    log.positions.merge(p, 1, Integer::sum);
                    log.maxPosition = Math.max(log.maxPosition, p);
                }
                if (Boolean.TRUE.equals(commit.getBoolean("tombstone"))) {
                    log.tombstones++;
                    continue;
                }
                log.commits++;
                for (Document event : commit.getList("events", Document.class)) {
                    log.eventIds.merge(event.getString("eventId"), 1, Integer::sum);
                    String type = event.getString("payloadType");
                    String simpleType = type.substring(type.lastIndexOf('.') + 1);
                    String aggregate = event.getString("aggregateId");
                    if (aggregate != null) {
                        log.sequences.computeIfAbsent(aggregate, a -> new ArrayList<>())
                                     .add(((Number) event.get("sequenceNumber")).longValue());
                    }
                    log.byTypeAndKey.merge(simpleType + "|" + aggregate, 1, Integer::sum);
                    if ("ConsentRequested".equals(simpleType)) {
                        log.consentLinks.put(aggregate, event.get("payload", Document.class).getList("links", Document.class).get(0).getString("linkId"));
                    }
                    if (simpleType.startsWith("Consent") && !"ConsentRequested".equals(simpleType)) {
                        log.consentStates.put(aggregate, simpleType);
                    }
                    if ("BalanceShared".equals(simpleType) || "TransactionsShared".equals(simpleType)) {
                        String shareId = event.get("payload", Document.class).getString("shareId");
                        log.shareIds.merge(shareId, 1, Integer::sum);
                    }
                }
            }
            // the counter holds the last position handed out
            log.head = counter == null ? 0 : ((Number) counter.get("value")).longValue();
            return log;
        }

        int count(String type, String key) {
            if ("BalanceShared".equals(type)) {
                return shareIds.getOrDefault(key, 0);
            }
            return byTypeAndKey.getOrDefault(type + "|" + key, 0);
        }

        /** Consents whose last state change in the log is their authorisation. */
        List<String> authorisedNotRevoked() {
            return consentStates.entrySet().stream().filter(e -> "ConsentAuthorised".equals(e.getValue()))
                                .map(Map.Entry::getKey).sorted().toList();
        }

        String linkOf(String consentId) {
            return consentLinks.get(consentId);
        }

        /**
         * Each commit is found through every key of its three unique indexes ({@code positions}, {@code seqKeys},
         * {@code eventIds}): the store's index entries agree with its documents. The embedded server answers these
         * {@code $in} queries from the index.
         */
        void assertEveryCommitIsFoundThroughItsUniqueIndexes(MongoDatabase database) {
            List<String> notFound = new ArrayList<>();
            for (Map.Entry<String, Map<Object, List<Object>>> index : Map.of("positions", positionsOf, "seqKeys", seqKeysOf,
                                                                             "eventIds", eventIdsOf).entrySet()) {
                Map<Object, Object> expected = new HashMap<>();
                index.getValue().forEach((id, keys) -> keys.forEach(key -> expected.put(key, id)));
                List<Object> keys = new ArrayList<>(expected.keySet());
                for (int from = 0; from < keys.size(); from += 500) {
                    List<Object> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
                    Map<Object, Object> found = new HashMap<>();
                    for (Document commit : database.getCollection("events").find(new Document(index.getKey(), new Document("$in", chunk)))
                                                   .projection(new Document(index.getKey(), 1))) {
                        commit.getList(index.getKey(), Object.class).forEach(key -> found.put(key, commit.get("_id")));
                    }
                    for (Object key : chunk) {
                        if (!expected.get(key).equals(found.get(key))) {
                            notFound.add(index.getKey() + " " + key + ": stored in " + expected.get(key) + ", found in " + found.get(key));
                        }
                    }
                }
            }
            assertThat(notFound).as("commits not found through their unique index keys").isEmpty();
        }

        List<String> repeatedShareIds() {
            return shareIds.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
        }

        void assertNoDuplicates() {
            assertThat(positions.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("positions stored twice").isEmpty();
            assertThat(eventIds.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("event ids stored twice").isEmpty();
        }

        /** Each aggregate's stream is 0, 1, 2, …: no (aggregate, sequence) pair twice, and none missing. */
        void assertContiguousAggregateStreams() {
            List<String> broken = new ArrayList<>();
            sequences.forEach((aggregate, numbers) -> {
                List<Long> sorted = numbers.stream().sorted().toList();
                for (int i = 0; i < sorted.size(); i++) {
                    if (sorted.get(i) != i) {
                        broken.add(aggregate + " " + sorted);
                        return;
                    }
                }
            });
            assertThat(broken).as("aggregate streams with a repeated or missing sequence number").isEmpty();
        }

        List<Long> unfilledPositionsUpTo(long last) {
            List<Long> unfilled = new ArrayList<>();
            for (long p = 1; p <= last; p++) {
                if (!positions.containsKey(p)) {
                    unfilled.add(p);
                }
            }
            return unfilled;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Read models, processors and the compliance check

    private static void assertReadModelsAreWhatAReplayBuilds(MongoDatabase database) throws InterruptedException {
        assertThat(readModelsAgainstAReplay(database)).as("read models that differ from what a replay builds").isEmpty();
    }

    /** Replays every projection and lists how the read models before it differ from the replayed ones. */
    private static List<String> readModelsAgainstAReplay(MongoDatabase database) throws InterruptedException {
        awaitProcessorsAtHeadAndRead(database);
        Map<String, List<Document>> converged = new LinkedHashMap<>();
        for (String processor : PROJECTIONS) {
            converged.put(processor, dump(database, processor));
        }
        for (String processor : PROJECTIONS) {
            Api.Response replay = Api.OPERATOR.post(ledger.query(0) + "/api/v1/operator/processors/" + processor + "/replay", "");
            assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        }
        awaitProcessorsAtHeadAndRead(database);
        List<String> differences = new ArrayList<>();
        for (String processor : PROJECTIONS) {
            List<Document> replayed = dump(database, processor);
            List<Document> before = converged.get(processor);
            if (!replayed.equals(before)) {
                List<String> examples = new ArrayList<>();
                for (int i = 0; i < Math.max(before.size(), replayed.size()) && examples.size() < 3; i++) {
                    Document a = i < before.size() ? before.get(i) : null;
                    Document b = i < replayed.size() ? replayed.get(i) : null;
                    if (a == null || !a.equals(b)) {
                        examples.add("converged " + a + " / replayed " + b);
                    }
                }
                differences.add(processor + ": " + before.size() + " documents converged, " + replayed.size()
                                        + " replayed; first differences " + examples);
            } else {
                log(processor + ": " + before.size() + " documents, identical after a replay");
            }
        }
        return differences;
    }

    private static List<Document> dump(MongoDatabase database, String processor) {
        List<String> collections = switch (processor) {
            case "access-log" -> List.of("access_records");
            case "balances" -> List.of("link_balances");
            case "consents" -> List.of("consent_views", "customer_consents");
            default -> List.of("compliance_consents", "compliance_links", "compliance_checked", "compliance_violations");
        };
        List<Document> all = new ArrayList<>();
        for (String name : collections) {
            Set<Object> seqs = new HashSet<>();
            database.getCollection(name).find().sort(new Document("_id", 1)).forEach(document -> {
                // which batch of the compliance check wrote it, not what it holds (ComplianceMonitor.BATCH_FIELDS)
                document.remove("writtenAfter");
                document.remove("beforeBatch");
                // Known differences that do not come from a crash (they show with two writers and no kill; reported
                // on issue 13): commits of two writers land out of position order and are delivered as they land.
                if (name.equals("access_records")) {
                    // seq: the order in which the projection stored the records (the history's cursor); unique.
                    assertThat(seqs.add(document.remove("seq"))).as("access record seq unique: " + document).isTrue();
                    // globalPosition and leafIndex are compared: both are read from the log, whatever the delivery
                    // order (AccessLogProjection.storeAll).
                }
                if (name.equals("customer_consents")) {
                    // consentIds: in the order the consents were delivered
                    List<String> ids = new ArrayList<>(document.getList("consentIds", String.class, List.of()));
                    ids.sort(null);
                    document.put("consentIds", ids);
                }
                all.add(document);
            });
        }
        return all;
    }

    /** Waits until every processor of the query side is past the head of the log, then reads the log. */
    private static Log awaitProcessorsAtHeadAndRead(MongoDatabase database) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE_WITHIN.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Log log = Log.read(database);
            JsonNode processors = Api.OPERATOR.get(ledger.query(0) + "/api/v1/operator/processors").body();
            boolean atHead = processors.size() > 0;
            for (JsonNode p : processors) {
                atHead &= !p.path("replaying").asBoolean() && p.path("running").asBoolean()
                        && !p.path("slowestPosition").isNull() && p.path("slowestPosition").asLong() >= log.head;
            }
            if (atHead) {
                return log;
            }
            last = "head " + log.head + ", processors " + processors;
            Thread.sleep(250);
        }
        throw new AssertionError("The processors did not reach the head within " + CONVERGE_WITHIN + ": " + last);
    }

    private static void assertCompliant() throws InterruptedException {
        JsonNode report = Api.AUDITOR.await(ledger.query(0) + "/api/v1/audit/compliance", r -> r.status() == 200
                && r.body().path("checkedThroughPosition").asLong() >= r.body().path("logHeadPosition").asLong()).body();
        assertThat(report.path("violations").size()).as(report.toString()).isZero();
        assertThat(report.path("compliant").asBoolean()).as(report.toString()).isTrue();
        log("compliance: " + report.path("sharesChecked").asLong() + " shares checked, no violation");
    }

    private static String command(int instance) {
        return ledger.command(instance) + "/api/v1";
    }

    private static String evidence() {
        return "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + EVIDENCE_NOW + "\",\"disclosureVersion\":\"tc-7\"}";
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " CrashRecoveryIT: " + message);
    }
}
