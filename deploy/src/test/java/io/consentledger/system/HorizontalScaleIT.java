package io.consentledger.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two command-side and two query-side instances on one store: no event is duplicated or lost under concurrent
 * commands on both instances, conflicting commands are retried, and processor segments are spread over the query
 * instances and taken over when one stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HorizontalScaleIT {

    private static final int THREADS = 8;
    private static final int SHARES_PER_THREAD = 15;
    private static final int LINKS = 40;

    private static LedgerProcesses ledger;

    @BeforeAll
    static void start() throws Exception {
        ledger = LedgerProcesses.start("horizontal-scale", 2, 2,
                                       "--consent-ledger.event-store.token-claim-timeout=3s",
                                       "--consent-ledger.processors.balance-interval=1s");
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private static String command(int instance) {
        return ledger.command(instance) + "/api/v1";
    }

    private static String query(int instance) {
        return ledger.query(instance) + "/api/v1";
    }

    @Test
    @Order(1)
    void concurrentCommandsOnBothInstancesNeitherDuplicateNorLoseAnEvent() throws Exception {
        Instant now = Instant.now();
        String evidence = "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + now + "\",\"disclosureVersion\":\"tc-7\"}";
        assertThat(Api.BANK.post(command(0) + "/links", "{\"linkId\":\"link-scale\",\"customerId\":\"cust-scale\","
                + "\"providerId\":\"bank-1\",\"accountId\":\"acc-scale\",\"currency\":\"EUR\",\"evidence\":" + evidence + "}")
                          .status()).isEqualTo(201);
        assertThat(Api.MESSENGER.post(command(1) + "/consents", "{\"consentId\":\"consent-scale\",\"recipientId\":\"messenger\","
                + "\"linkIds\":[\"link-scale\"],\"scopes\":[\"BALANCES\"],\"purposes\":[\"BALANCE_CHECK\"],\"expiresAt\":\""
                + now.plus(Duration.ofDays(30)) + "\",\"window\":{\"lookbackDays\":1},\"frequency\":{\"maxPerDay\":10000}}")
                          .status()).isEqualTo(201);
        assertThat(Api.BANK.post(command(0) + "/consents/consent-scale/authorise", "{\"evidence\":" + evidence + "}")
                          .status()).isEqualTo(200);

        // Every thread alternates between the two command-side instances; all of them share under the same consent,
        // so the instances race on one aggregate, while others create links (separate aggregates) in parallel.
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < SHARES_PER_THREAD; i++) {
                    String url = command((thread + i) % 2) + "/consents/consent-scale/shares/balance";
                    int status = Api.BANK.post(url, "{\"linkId\":\"link-scale\",\"amount\":" + thread + "." + i
                            + ",\"currency\":\"EUR\",\"asOf\":\"" + Instant.now() + "\",\"purpose\":\"BALANCE_CHECK\"}").status();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                for (int i = thread; i < LINKS; i += THREADS) {
                    Api.BANK.post(command(i % 2) + "/links", "{\"linkId\":\"link-scale-" + i + "\",\"customerId\":\"cust-scale-"
                            + i + "\",\"providerId\":\"bank-1\",\"accountId\":\"acc-" + i + "\",\"currency\":\"EUR\",\"evidence\":"
                            + evidence + "}");
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        int shares = THREADS * SHARES_PER_THREAD;
        assertThat(statuses).as("every share accepted; conflicts between instances were retried").containsOnlyKeys(201);
        assertThat(statuses.get(201)).hasValue(shares);

        // The consent's stream: requested, authorised, then every share exactly once, sequence numbers contiguous.
        JsonNode stream = Api.AUDITOR.get(query(1) + "/audit/events?aggregateId=consent-scale&limit=1000").body();
        List<Long> sequence = new ArrayList<>();
        Set<Long> positions = new HashSet<>();
        stream.path("events").forEach(e -> {
            sequence.add(e.path("sequenceNumber").asLong());
            positions.add(e.path("position").asLong());
        });
        assertThat(sequence).hasSize(shares + 2);
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).isEqualTo(i);
        }
        assertThat(positions).as("one global position per event").hasSize(shares + 2);

        // Each query instance sees one access record per accepted share, each once.
        for (int instance = 0; instance < 2; instance++) {
            JsonNode records = Api.AUDITOR.await(query(instance) + "/audit/access?consentId=consent-scale&limit=500",
                                                 r -> r.status() == 200 && r.body().path("records").size() == shares).body();
            Set<String> ids = new HashSet<>();
            records.path("records").forEach(r -> ids.add(r.path("eventId").asText()));
            assertThat(ids).hasSize(shares);
        }
        for (int i = 0; i < LINKS; i++) {
            JsonNode linkStream = Api.AUDITOR.get(query(0) + "/audit/events?aggregateId=link-scale-" + i).body();
            assertThat(linkStream.path("events").size()).as("link-scale-" + i).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void segmentsAreSpreadOverTheQueryInstancesAndTakenOverWhenOneStops() throws Exception {
        for (String processor : List.of("consents", "balances")) {
            awaitSegments(processor, held -> held[0] == 2 && held[1] == 2);
        }

        ledger.stopQuery(1);

        for (String processor : List.of("consents", "balances")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int held = -1;
            while (System.nanoTime() < deadline && held != 4) {
                held = segmentsHeld(0, processor);
                Thread.sleep(200);
            }
            assertThat(held).as(processor + " segments held by the remaining instance").isEqualTo(4);
        }
        // and the remaining instance projects new events for every segment
        Instant now = Instant.now();
        for (int i = 0; i < 8; i++) {
            Api.BANK.post(command(0) + "/links", "{\"linkId\":\"link-after-" + i + "\",\"customerId\":\"cust-after\","
                    + "\"providerId\":\"bank-1\",\"accountId\":\"acc-a" + i + "\",\"currency\":\"EUR\",\"evidence\":"
                    + "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + now + "\",\"disclosureVersion\":\"tc-7\"}}");
            assertThat(Api.MESSENGER.post(command(0) + "/consents", "{\"consentId\":\"consent-after-" + i + "\","
                    + "\"recipientId\":\"messenger\",\"linkIds\":[\"link-after-" + i + "\"],\"scopes\":[\"BALANCES\"],"
                    + "\"purposes\":[\"BALANCE_CHECK\"],\"expiresAt\":\"" + now.plus(Duration.ofDays(30)) + "\","
                    + "\"window\":{\"lookbackDays\":1},\"frequency\":{\"maxPerDay\":10}}").status()).isEqualTo(201);
        }
        for (int i = 0; i < 8; i++) {
            Api.AUDITOR.await(query(0) + "/consents/consent-after-" + i, r -> r.status() == 200);
        }
    }

    private interface SegmentCheck {
        boolean test(int[] held);
    }

    private static void awaitSegments(String processor, SegmentCheck check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        int[] held = new int[2];
        while (System.nanoTime() < deadline) {
            held = new int[]{segmentsHeld(0, processor), segmentsHeld(1, processor)};
            if (check.test(held)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(processor + ": segments held per instance " + held[0] + " / " + held[1]);
    }

    private static int segmentsHeld(int instance, String processor) {
        JsonNode processors = Api.OPERATOR.get(query(instance) + "/operator/processors").body();
        for (JsonNode p : processors) {
            if (processor.equals(p.path("name").asText())) {
                return p.path("segmentsClaimed").asInt();
            }
        }
        return -1;
    }
}
