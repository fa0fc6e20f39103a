package io.consentledger.query.notification.delivery;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.feed.NotificationFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Not a test: a harness that measures the CPU one notification costs (record, feed, dispatch, outcome), by thread
 * group, for the webhooks' profile (docs/benchmarks.md, issue 12, p8). Runs only with
 * {@code -Dprofile.notifications=true}; pair it with JFR through {@code -DargLine=-XX:StartFlightRecording=...}.
 */
@EnabledIfSystemProperty(named = "profile.notifications", matches = "true")
class NotificationCostProfile {

    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");

    @Test
    void cpuPerNotification() throws Exception {
        int rounds = Integer.getInteger("profile.rounds", 3);
        int events = Integer.getInteger("profile.events", 5000);
        int[] batches = java.util.Arrays.stream(System.getProperty("profile.batches", "50").split(","))
                .mapToInt(Integer::parseInt).toArray();
        try (TestStores stores = TestStores.open(); Receiver receiver = Receiver.answering(n -> 204)) {
            NotificationStore store = new NotificationStore(stores.database());
            NotificationFeed feed = new NotificationFeed(stores.database());
            WebhookUrlPolicy policy = new WebhookUrlPolicy(true, HostResolver.SYSTEM);
            WebhookDispatcher dispatcher = new WebhookDispatcher(store, policy, new RetrySchedule(Collections.nCopies(7,
                    Duration.ofMillis(100)), 0), Clock.systemUTC(), new Random(1), new SimpleMeterRegistry(),
                    WebhookDispatcher.Settings.defaults());
            if (System.getProperty("profile.linger") != null) {
                dispatcher.outcomeLinger(Duration.ofMillis(Long.getLong("profile.linger")));
            }
            NotificationRecorder recorder = new NotificationRecorder(store, feed, Clock.systemUTC(), dispatcher::enqueue);
            WebhookService service = new WebhookService(store, recorder, policy, new SecureRandom(), Clock.systemUTC());
            String hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked")).webhookId();
            dispatcher.start();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int next = 0;
            for (int round = 0; round < rounds; round++) {
                for (int batch : batches) { // interleaved: each batch size in every round
                    Map<String, Long> before = cpuByGroup(threads);
                    long t0 = System.nanoTime();
                    int from = next;
                    for (int i = 0; i < events; i += batch) {
                        recorder.recordAll(revocations(next, batch));
                        next += batch;
                        // a processor's batches arrive over time (-Dprofile.pause: ms between batches, to pace the
                        // profile like the benchmark's half load, a few hundred deliveries a second)
                        Thread.sleep(Long.getLong("profile.pause", 2));
                    }
                    int last = next - 1;
                    int recorded = next - from;
                    // the last delivery first (two reads by _id, polled often), then the whole backlog (read more
                    // rarely: the harness's own reads of the store are not what is measured)
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() ->
                            store.findDelivery("ev-" + last + "/" + hook).map(d -> d.state() == DeliveryState.DELIVERED)
                                    .orElse(false));
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                            store.pending().isEmpty());
                    long wall = System.nanoTime() - t0;
                    Map<String, Long> after = cpuByGroup(threads);
                    Map<String, String> perEvent = new TreeMap<>();
                    long total = 0;
                    for (var e : after.entrySet()) {
                        long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                        total += d;
                        perEvent.put(e.getKey(), String.format("%.1f us", d / 1000.0 / recorded));
                    }
                    System.out.printf("PROFILE round %d, batches of %d: %d events from %d, wall %.1f s, CPU per event "
                                    + "%.1f us: %s%n", round, batch, recorded, from, wall / 1e9,
                            total / 1000.0 / recorded, perEvent);
                }
            }
            dispatcher.close();
        }
    }

    /** The feed's appends (its reads by marker, marker2, _id and also) cost the same in a small and a large feed. */
    @Test
    void feedAppendCostByFeedSize() {
        try (TestStores stores = TestStores.open()) {
            NotificationFeed feed = new NotificationFeed(stores.database());
            Subscriber bank = Subscriber.provider("bank-1");
            int next = 0;
            for (int size : new int[]{1_000, 20_000, 40_000}) {
                while (next < size) {
                    List<NotificationFeed.Append> appends = new java.util.ArrayList<>();
                    for (int i = 0; i < 50; i++, next++) {
                        appends.add(new NotificationFeed.Append(bank, "ev-" + next, "{}"));
                        appends.add(new NotificationFeed.Append(MESSENGER, "ev-" + next, "{}"));
                    }
                    feed.appendAll(appends);
                }
                long t0 = System.nanoTime();
                for (int b = 0; b < 40; b++) {
                    List<NotificationFeed.Append> appends = new java.util.ArrayList<>();
                    for (int i = 0; i < 50; i++, next++) {
                        appends.add(new NotificationFeed.Append(bank, "ev-" + next, "{}"));
                        appends.add(new NotificationFeed.Append(MESSENGER, "ev-" + next, "{}"));
                    }
                    feed.appendAll(appends);
                }
                System.out.printf("PROFILE feed of %d events: %.1f us per event appended%n", size,
                        (System.nanoTime() - t0) / 1000.0 / 2000);
            }
        }
    }

    private static Map<String, Long> cpuByGroup(ThreadMXBean threads) {
        Map<String, Long> byGroup = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info == null || cpu < 0) {
                continue;
            }
            String name = info.getThreadName();
            String group = name.startsWith("webhook-worker") ? "dispatch-workers"
                    : name.startsWith("webhook-outcomes") ? "outcome-recorder"
                    : name.startsWith("webhook-") ? "dispatch-other"
                    : name.equals("main") ? "recorder(main)"
                    : name.startsWith("pool-") ? "receiver"
                    : name.contains("HTTP") ? "receiver"
                    : name.startsWith("mongo-server") || name.contains("nioEventLoop") || name.contains("EventLoop")
                      ? "store" : "other:" + name.replaceAll("[0-9]+", "#");
            byGroup.merge(group, cpu, Long::sum);
        }
        return byGroup;
    }

    private static List<AddressedNotification> revocations(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> NotificationMapper.map(
                new ConsentRevoked("c-" + i, "messenger", "cust-9", "bank-1", List.of("l-1"),
                        RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.now()), "ev-" + i, i)
                .orElseThrow()).toList();
    }
}
