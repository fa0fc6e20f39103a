package io.consentledger.query.notification.feed;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationJson;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Not a test: a harness that measures the CPU the pull feed alone costs per notification, as the recorder appends it
 * (each event for its recipient and its provider, in the recorder's order, batches of {@code profile.batch} events,
 * real bodies, two recipients and three providers), split into the appending thread and the store's threads, and a
 * reader's page of 100. Uses only {@link NotificationFeed}'s public API, so that it runs against any version of the
 * feed (docs/benchmarks.md, issue 12, p10). Runs only with {@code -Dprofile.feed=true}.
 */
@EnabledIfSystemProperty(named = "profile.feed", matches = "true")
class FeedCostProfile {

    @Test
    void cpuPerNotification() {
        int batch = Integer.getInteger("profile.batch", 35);
        int batches = Integer.getInteger("profile.batches", 300);
        int rounds = Integer.getInteger("profile.rounds", 5);
        try (TestStores stores = TestStores.open()) {
            NotificationFeed feed = new NotificationFeed(stores.database());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int next = 0;
            for (int round = -1; round < rounds; round++) { // round -1 warms up
                List<List<NotificationFeed.Append>> prepared = new ArrayList<>(); // the bodies are not the feed's
                for (int b = 0; b < batches; b++) {
                    List<NotificationFeed.Append> appends = new ArrayList<>();
                    for (int i = 0; i < batch; i++, next++) {
                        AddressedNotification n = revocation(next);
                        String body = NotificationJson.write(n.notification());
                        n.audience().stream().sorted(Comparator.comparing(Subscriber::key)).forEach(s ->
                                appends.add(new NotificationFeed.Append(s, n.notification().eventId(), body)));
                    }
                    prepared.add(appends);
                }
                long[] before = cpu(threads);
                prepared.forEach(feed::appendAll);
                long[] after = cpu(threads);
                double events = (double) batches * batch;
                long[] readBefore = cpu(threads);
                int pages = 200;
                for (int p = 0; p < pages; p++) {
                    feed.page(Subscriber.recipient("messenger"), NotificationFeed.encode(next / 4 - 150 + p), 100);
                }
                long[] readAfter = cpu(threads);
                if (round >= 0) {
                    System.out.printf("PROFILE feed round %d, batches of %d, feed of %d events: per notification "
                                    + "appender %.1f us, store %.1f us, total %.1f us; per page of 100: reader %.1f us, "
                                    + "store %.1f us; documents %d%n", round, batch, next,
                            (after[0] - before[0]) / 1e3 / events, (after[1] - before[1]) / 1e3 / events,
                            (after[0] - before[0] + after[1] - before[1]) / 1e3 / events,
                            (readAfter[0] - readBefore[0]) / 1e3 / pages, (readAfter[1] - readBefore[1]) / 1e3 / pages,
                            stores.database().getCollection("notification_feed").countDocuments());
                }
            }
        }
    }

    /** CPU of the calling thread and of the store's threads, in ns. */
    private static long[] cpu(ThreadMXBean threads) {
        long store = 0;
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info != null && cpu > 0 && (info.getThreadName().startsWith("mongo-server")
                                            || info.getThreadName().contains("EventLoop"))) {
                store += cpu;
            }
        }
        return new long[]{threads.getCurrentThreadCpuTime(), store};
    }

    private static AddressedNotification revocation(int i) {
        String recipient = i % 2 == 0 ? "messenger" : "voice-assistant";
        return NotificationMapper.map(new ConsentRevoked("c-" + i, recipient, "cust-" + (i % 97), "bank-" + (i % 3),
                List.of("l-" + i), RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.now()),
                "0f6c2a4e-1b7d-4c1e-9a3b-" + String.format("%012d", i), i).orElseThrow();
    }
}
