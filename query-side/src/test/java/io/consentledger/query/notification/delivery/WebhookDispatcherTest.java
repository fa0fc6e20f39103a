package io.consentledger.query.notification.delivery;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** The dispatcher against real HTTP receivers on loopback and the embedded store. */
class WebhookDispatcherTest {

    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber BANK = Subscriber.provider("bank-1");
    private static final Duration QUICK = Duration.ofMillis(100);

    private TestStores stores;
    private NotificationStore store;
    private NotificationRecorder recorder;
    private WebhookService service;
    private WebhookDispatcher dispatcher;
    private SimpleMeterRegistry meters;
    private final List<AutoCloseable> closing = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        store = new NotificationStore(stores.database());
        recorder = new NotificationRecorder(store, Clock.systemUTC());
        WebhookUrlPolicy policy = new WebhookUrlPolicy(true, HostResolver.SYSTEM);
        service = new WebhookService(store, recorder, policy, new SecureRandom(), Clock.systemUTC());
        meters = new SimpleMeterRegistry();
        // the standard schedule's shape, with every delay 100 ms, so a test sees all eight attempts
        RetrySchedule fast = new RetrySchedule(Collections.nCopies(7, QUICK), 0);
        dispatcher = new WebhookDispatcher(store, policy, fast, Clock.systemUTC(), new Random(1), meters,
                new WebhookDispatcher.Settings(4, 2, Duration.ofSeconds(2), Duration.ofSeconds(2),
                        Duration.ofMillis(50)));
        dispatcher.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        dispatcher.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
        stores.close();
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheNotificationOnTheThirdAttemptSignedAndWithAStableId() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> n <= 2 ? 500 : 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        String id = "ev-1/" + hook.webhookId();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == DeliveryState.DELIVERED);
        assertThat(receiver.requests).hasSize(3).extracting(Receiver.Received::answered).containsExactly(500, 500, 204);
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).containsOnly(id);
        com.standardwebhooks.Webhook verifier = new com.standardwebhooks.Webhook(hook.secret());
        for (Receiver.Received r : receiver.requests) {
            assertThatCode(() -> verifier.verify(r.body(), r.headers())).doesNotThrowAnyException();
            assertThat(r.body()).contains("\"type\":\"consent.revoked\"", "\"consentId\":\"c-1\"");
        }
        Delivery delivery = store.findDelivery(id).orElseThrow();
        assertThat(delivery.attempts()).isEqualTo(3);
        assertThat(store.attemptsOf(hook.webhookId(), 10)).extracting(DeliveryAttempt::number,
                DeliveryAttempt::statusCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, 204), org.assertj.core.groups.Tuple.tuple(2, 500),
                org.assertj.core.groups.Tuple.tuple(1, 500));
        assertThat(store.pending()).isEmpty();
        assertThat(meters.counter("ledger.notifications.deliveries", "outcome", "delivered").count()).isEqualTo(1);
        assertThat(meters.counter("ledger.notifications.attempts", "outcome", "failure").count()).isEqualTo(2);
    }

    @Test
    void a410DisablesTheWebhookAndGivesTheDeliveryUp() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 410));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> state("ev-1/" + hook.webhookId()) == DeliveryState.GIVEN_UP);
        assertThat(service.get(MESSENGER, hook.webhookId()).orElseThrow().enabled()).isFalse();
        assertThat(recorder.record(revoked("c-2"), "ev-2", 11)).isZero();
        Thread.sleep(300);
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void aReceiverThatIsDownGetsTheNotificationOnceItIsBack() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        RegisteredWebhook hook = service.register(BANK, "http://127.0.0.1:" + port + "/hook",
                List.of("consent.authorised"));
        recorder.record(new ConsentAuthorised("c-1", "messenger", "cust-9", "bank-1", null, Instant.now(),
                Instant.now()), "ev-1", 10);
        String id = "ev-1/" + hook.webhookId();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.findDelivery(id).orElseThrow().attempts() >= 2);
        assertThat(store.attemptsOf(hook.webhookId(), 1).get(0).error()).isEqualTo("connection-refused");
        assertThat(state(id)).isEqualTo(DeliveryState.PENDING);

        Receiver receiver = receiver(new Receiver(port, n -> 200, 0));

        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == DeliveryState.DELIVERED);
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void aReceiverThatNeverSucceedsIsGivenUpAfterEightAttemptsAndTheDeliveryIsVisible() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 503));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        String id = "ev-1/" + hook.webhookId();
        await().atMost(Duration.ofSeconds(15)).until(() -> state(id) == DeliveryState.GIVEN_UP);
        Delivery delivery = store.findDelivery(id).orElseThrow();
        assertThat(delivery.attempts()).isEqualTo(8);
        assertThat(delivery.lastError()).isEqualTo("http-503");
        assertThat(receiver.requests).hasSize(8);
    }

    @Test
    void aLaterChangeOfAConsentIsNotDeliveredBeforeAnEarlierOne() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> n <= 2 ? 500 : 200));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(),
                List.of("consent.authorised", "consent.revoked"));

        recorder.record(new ConsentAuthorised("c-1", "messenger", "cust-9", "bank-1", null, Instant.now(),
                Instant.now()), "ev-1", 10);
        recorder.record(revoked("c-1"), "ev-2", 11);

        await().atMost(Duration.ofSeconds(10)).until(() -> state("ev-2/" + hook.webhookId()) == DeliveryState.DELIVERED);
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).containsExactly(
                "ev-1/" + hook.webhookId(), "ev-1/" + hook.webhookId(), "ev-1/" + hook.webhookId(),
                "ev-2/" + hook.webhookId());
    }

    @Test
    void aSlowReceiverDoesNotHoldUpAnother() throws Exception {
        Receiver slow = receiver(new Receiver(0, n -> 200, 5_000));
        Receiver fast = receiver(Receiver.answering(n -> 200));
        RegisteredWebhook slowHook = service.register(MESSENGER, slow.url(), List.of("consent.revoked"));
        RegisteredWebhook fastHook = service.register(BANK, fast.url(), List.of("consent.revoked"));
        for (int i = 1; i <= 6; i++) {
            recorder.record(revoked("c-" + i), "ev-" + i, i); // six consents: six lanes for each webhook
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests.size() == 6);

        // every fast delivery went through while the slow receiver's first attempts still hang (they end at the
        // 2 s total timeout), and the slow receiver holds at most two workers of four
        assertThat(store.attemptsOf(slowHook.webhookId(), 10)).isEmpty();
        assertThat(slow.requests.size()).isLessThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.attemptsOf(slowHook.webhookId(), 1).stream().anyMatch(a -> "timeout".equals(a.error())));
        assertThat(store.attemptsOf(fastHook.webhookId(), 10)).allMatch(a -> a.statusCode() == 200);
    }

    @Test
    void aRedirectIsNotFollowedAndCountsAsAFailedAttempt() throws Exception {
        Receiver target = receiver(Receiver.answering(n -> 204));
        com.sun.net.httpserver.HttpServer redirecting = loopback(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", target.url());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        RegisteredWebhook hook = service.register(MESSENGER,
                "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/hook", List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.attemptsOf(hook.webhookId(), 10).size() >= 2);
        assertThat(store.attemptsOf(hook.webhookId(), 10)).allMatch(a -> a.statusCode() == 302);
        Delivery delivery = store.findDelivery("ev-1/" + hook.webhookId()).orElseThrow();
        assertThat(delivery.state()).isNotEqualTo(DeliveryState.DELIVERED);
        assertThat(delivery.lastError()).isEqualTo("http-302");
        assertThat(target.requests).isEmpty();
    }

    @Test
    void anAnswerThatTricklesPastTheTotalTimeoutIsATimeout() throws Exception {
        // the status comes at once, then one byte of body every 300 ms: no single read waits 2 s, the whole does
        com.sun.net.httpserver.HttpServer trickling = loopback(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 30; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (Exception closedByTheLedger) {
                // the ledger hung up
            }
            exchange.close();
        });
        RegisteredWebhook hook = service.register(MESSENGER,
                "http://127.0.0.1:" + trickling.getAddress().getPort() + "/hook", List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> !store.attemptsOf(hook.webhookId(), 1).isEmpty());
        DeliveryAttempt first = store.attemptsOf(hook.webhookId(), 10).get(0);
        assertThat(first.error()).isEqualTo("timeout");
        assertThat(first.latencyMillis()).isBetween(1_900L, 4_000L); // the total timeout is 2 s
    }

    @Test
    void aStatusLineThatTricklesPastTheTotalTimeoutIsATimeoutAndTheNextAttemptStillWorks() throws Exception {
        // a raw receiver: reads the request, then sends its status line one byte every 300 ms, never finishing the
        // headers within the total timeout (2 s); no single read waits the read timeout, so only the deadline ends it
        ServerSocket socket = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        closing.add(socket);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        Thread server = new Thread(() -> {
            while (!socket.isClosed()) {
                try (java.net.Socket s = socket.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    int n = connections.incrementAndGet();
                    byte[] buffer = new byte[4096];
                    String request = "";
                    while (!request.contains("\r\n\r\n")) {
                        int read = in.read(buffer);
                        if (read < 0) {
                            break;
                        }
                        request += new String(buffer, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
                    }
                    java.io.OutputStream out = s.getOutputStream();
                    if (n == 1) {
                        for (byte b : "HTTP/1.1 204 No Content\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
                            out.write(b);
                            out.flush();
                            Thread.sleep(300);
                        }
                    } else {
                        out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception hungUp) {
                    // the ledger hung up, or the test ended
                }
            }
        }, "trickling-status-line");
        server.setDaemon(true);
        server.start();
        RegisteredWebhook hook = service.register(MESSENGER,
                "http://127.0.0.1:" + socket.getLocalPort() + "/hook", List.of("consent.revoked"));

        recorder.record(revoked("c-1"), "ev-1", 10);

        String id = "ev-1/" + hook.webhookId();
        await().atMost(Duration.ofSeconds(15)).until(() -> state(id) == DeliveryState.DELIVERED);
        DeliveryAttempt first = store.attemptsOf(hook.webhookId(), 10).stream()
                .filter(a -> a.number() == 1).findFirst().orElseThrow();
        assertThat(first.error()).isEqualTo("timeout");
        assertThat(first.latencyMillis()).isBetween(1_900L, 4_000L); // the total timeout is 2 s
    }

    @Test
    void aTestPingIsDeliveredAsWebhookPing() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 200));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        String id = service.sendTest(MESSENGER, hook.webhookId()).orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == DeliveryState.DELIVERED);
        assertThat(receiver.requests.get(0).body()).startsWith("{\"type\":\"webhook.ping\",\"eventId\":\"ping_");
    }

    @Test
    void anAddressThatIsNoLongerAllowedIsRefusedAtDeliveryAndNothingIsSent() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 200));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        dispatcher.close();
        // the same store, but now loopback is forbidden, as a rebinding to an internal address would be
        WebhookUrlPolicy strict = new WebhookUrlPolicy(false, HostResolver.SYSTEM);
        dispatcher = new WebhookDispatcher(store, strict, new RetrySchedule(Collections.nCopies(7, QUICK), 0),
                Clock.systemUTC(), new Random(1), meters, new WebhookDispatcher.Settings(2, 1,
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(50)));
        dispatcher.start();

        recorder.record(revoked("c-1"), "ev-1", 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> state("ev-1/" + hook.webhookId()) == DeliveryState.GIVEN_UP);
        assertThat(receiver.requests).isEmpty();
        assertThat(store.attemptsOf(hook.webhookId(), 10)).hasSize(8)
                .allMatch(a -> a.error().equals("webhook-url-forbidden-address") && a.statusCode() == 0);
    }

    // ---- the in-memory queue: a pass reads what it sends, not the outbox ----

    /** A dispatcher that sweeps the outbox only once an hour, fed by a recorder as the application wires it. */
    private NotificationRecorder queuedRecorder(int perWebhookInFlight) {
        return queuedRecorder(store, 8, perWebhookInFlight);
    }

    /** The same over another store (one that counts, fails or waits), with {@code workers} request threads. */
    private NotificationRecorder queuedRecorder(NotificationStore over, int workers, int perWebhookInFlight) {
        dispatcher.close();
        dispatcher = new WebhookDispatcher(over, new WebhookUrlPolicy(true, HostResolver.SYSTEM),
                new RetrySchedule(Collections.nCopies(7, QUICK), 0), Clock.systemUTC(), new Random(1), meters,
                new WebhookDispatcher.Settings(workers, perWebhookInFlight, Duration.ofSeconds(2),
                        Duration.ofSeconds(2), Duration.ofHours(1)));
        dispatcher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.outboxReads() == 1); // the start's recovery read
        return new NotificationRecorder(over, null, Clock.systemUTC(), dispatcher::enqueue);
    }

    @Test
    void deliveriesAndTheirRetriesAreDispatchedWithoutReadingTheOutboxAgain() throws Exception {
        NotificationRecorder queued = queuedRecorder(4);
        Receiver receiver = receiver(Receiver.answering(n -> n % 3 == 0 ? 500 : 204)); // every third fails once
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        for (int i = 1; i <= 30; i++) {
            queued.record(revoked("c-" + i), "ev-" + i, i);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> java.util.stream.IntStream.rangeClosed(1, 30)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        assertThat(receiver.requests.stream().filter(r -> r.answered() == 500)).isNotEmpty();
        assertThat(dispatcher.outboxReads()).isEqualTo(1); // only the start's
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void theOrderPerConsentHoldsWithSeveralDeliveriesOfAWebhookInFlight() throws Exception {
        NotificationRecorder queued = queuedRecorder(4);
        java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostConcurrent = new java.util.concurrent.atomic.AtomicInteger();
        // slow enough that several requests overlap; the first attempt of every fourth request fails
        Receiver receiver = receiver(new Receiver(0, n -> {
            mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            return n % 4 == 0 ? 503 : 204;
        }, 50));
        receiver.beforeAnswer = concurrent::decrementAndGet;
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(),
                List.of("consent.authorised", "consent.revoked"));

        long position = 1;
        List<String> expected = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int c = 1; c <= 6; c++) {
                String eventId = "ev-" + position;
                Object event = round % 2 == 0 ? authorised("c-" + c) : revoked("c-" + c);
                queued.record(event, eventId, position++);
                expected.add(eventId);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> expected.stream()
                .allMatch(e -> state(e + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        assertThat(mostConcurrent.get()).as("deliveries of one webhook in flight at once").isBetween(2, 4);
        // per consent, the events arrive in log order: every later one only after the earlier was answered 2xx
        java.util.Map<String, List<Long>> positionsByConsent = new java.util.HashMap<>();
        for (Receiver.Received r : receiver.requests) {
            if (r.answered() / 100 != 2) {
                continue;
            }
            org.bson.Document body = org.bson.Document.parse(r.body());
            positionsByConsent.computeIfAbsent(body.getString("consentId"), k -> new java.util.ArrayList<>())
                    .add(body.get("position", Number.class).longValue());
        }
        assertThat(positionsByConsent).hasSize(6);
        positionsByConsent.values().forEach(positions -> assertThat(positions).hasSize(3).isSorted());
        java.util.Map<String, Integer> firstRequestOf = new java.util.HashMap<>();
        java.util.Map<String, Integer> deliveredAtRequest = new java.util.HashMap<>();
        for (int i = 0; i < receiver.requests.size(); i++) {
            Receiver.Received r = receiver.requests.get(i);
            String eventId = org.bson.Document.parse(r.body()).getString("eventId");
            firstRequestOf.putIfAbsent(eventId, i);
            if (r.answered() / 100 == 2) {
                deliveredAtRequest.put(eventId, i);
            }
        }
        for (int c = 0; c < 6; c++) {
            for (int round = 1; round < 3; round++) {
                String earlier = "ev-" + (c + 1 + (round - 1) * 6);
                String later = "ev-" + (c + 1 + round * 6);
                assertThat(firstRequestOf.get(later)).as(later + " sent after " + earlier + " was delivered")
                        .isGreaterThan(deliveredAtRequest.get(earlier));
            }
        }
    }

    @Test
    void manyAttemptsOfOneWebhookInFlightAtOnceAreEachLoggedOnceAndSentOnce() throws Exception {
        // The embedded store's findOneAndUpdate $inc can hand two concurrent callers the same value (8 threads,
        // 2,400 increments: 40 numbers given twice); the attempt counter therefore has one writer.
        NotificationRecorder queued = queuedRecorder(4);
        Receiver receiver = receiver(new Receiver(0, n -> 204, 5));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        for (int i = 1; i <= 80; i++) {
            queued.record(revoked("c-" + i), "ev-" + i, i);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.rangeClosed(1, 80)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        Thread.sleep(300);
        assertThat(receiver.requests).hasSize(80).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
        assertThat(store.attemptsOf(hook.webhookId(), 500)).hasSize(80)
                .extracting(DeliveryAttempt::deliveryId).doesNotHaveDuplicates();
    }

    /** A dispatcher with one request of a webhook in flight at a time, whose outcomes are stored once the gate opens. */
    private NotificationRecorder gatedRecorder(java.util.concurrent.CountDownLatch gate) {
        NotificationStore gated = new NotificationStore(stores.database()) {
            @Override
            public void applyOutcomes(List<Outcome> outcomes) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.applyOutcomes(outcomes);
            }
        };
        return queuedRecorder(gated, 4, 1);
    }

    @Test
    void aDeliveredAttemptMovesItsLaneOnWithoutWaitingForItsStoredOutcome() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        NotificationRecorder queued = gatedRecorder(gate);
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(),
                List.of("consent.authorised", "consent.revoked"));

        queued.record(authorised("c-1"), "ev-1", 1);
        queued.record(revoked("c-1"), "ev-2", 2); // the same consent: sent once ev-1 was answered 2xx
        queued.record(authorised("c-2"), "ev-3", 3);
        queued.record(revoked("c-2"), "ev-4", 4);

        // the outcomes are not stored, yet every delivery goes, one request after another, each lane in order
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 4);
        Thread.sleep(300);
        List<String> sent = receiver.requests.stream().map(r -> r.header("webhook-id")).toList();
        assertThat(sent).containsExactlyInAnyOrder("ev-1/" + hook.webhookId(), "ev-2/" + hook.webhookId(),
                "ev-3/" + hook.webhookId(), "ev-4/" + hook.webhookId());
        assertThat(sent.indexOf("ev-1/" + hook.webhookId())).isLessThan(sent.indexOf("ev-2/" + hook.webhookId()));
        assertThat(sent.indexOf("ev-3/" + hook.webhookId())).isLessThan(sent.indexOf("ev-4/" + hook.webhookId()));
        assertThat(state("ev-1/" + hook.webhookId())).isEqualTo(DeliveryState.PENDING);

        gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.stream.IntStream.rangeClosed(1, 4)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        Thread.sleep(300);
        assertThat(receiver.requests).as("each sent once").hasSize(4);
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void aFailedAttemptHoldsItsLaneUntilItsOutcomeIsStored() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        NotificationRecorder queued = gatedRecorder(gate);
        Receiver receiver = receiver(Receiver.answering(n -> n == 1 ? 503 : 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(),
                List.of("consent.authorised", "consent.revoked"));

        queued.record(authorised("c-1"), "ev-1", 1);
        queued.record(revoked("c-1"), "ev-2", 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 1);
        Thread.sleep(500);
        assertThat(receiver.requests).as("ev-2 waits: ev-1 failed and its retry is not stored").hasSize(1);

        gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.stream.IntStream.rangeClosed(1, 2)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).containsExactly(
                "ev-1/" + hook.webhookId(), "ev-1/" + hook.webhookId(), "ev-2/" + hook.webhookId());
    }

    @Test
    void aDeliveredOutcomeThatCouldNotBeStoredIsStoredAgainNotSentAgainAndLoggedOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(1);
        NotificationStore failingOnce = new NotificationStore(stores.database()) {
            @Override
            public void applyOutcomes(List<Outcome> outcomes) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new com.mongodb.MongoException("the store is away for a moment");
                }
                super.applyOutcomes(outcomes);
            }
        };
        NotificationRecorder queued = queuedRecorder(failingOnce, 4, 1);
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        queued.record(revoked("c-1"), "ev-1", 1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> state("ev-1/" + hook.webhookId()) == DeliveryState.DELIVERED);
        assertThat(failuresLeft.get()).as("the first store failed").isNegative();
        Thread.sleep(300);
        assertThat(receiver.requests).as("sent once").hasSize(1);
        assertThat(store.attemptsOf(hook.webhookId(), 10)).as("its attempt logged once").hasSize(1);
        assertThat(meters.get("ledger.notifications.attempts").tag("outcome", "success").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aCrashBeforeTheOutcomesAreStoredSendsThemAgainWithTheSameIds() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        NotificationRecorder queued = gatedRecorder(never);
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(),
                List.of("consent.authorised", "consent.revoked"));
        queued.record(authorised("c-1"), "ev-1", 1);
        queued.record(revoked("c-1"), "ev-2", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 2);

        // the ledger stops before it stored either outcome (the store stays shut): both are still pending
        Thread crashed = new Thread(dispatcher::close);
        crashed.setDaemon(true);
        crashed.start();
        crashed.join(15_000);
        assertThat(store.pending()).hasSize(2);

        dispatcher = new WebhookDispatcher(store, new WebhookUrlPolicy(true, HostResolver.SYSTEM),
                new RetrySchedule(Collections.nCopies(7, QUICK), 0), Clock.systemUTC(), new Random(1), meters,
                new WebhookDispatcher.Settings(4, 1, Duration.ofSeconds(2), Duration.ofSeconds(2),
                        Duration.ofHours(1)));
        dispatcher.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.stream.IntStream.rangeClosed(1, 2)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
        // at least once: each again, with the same webhook-id, and again in the consent's order
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).containsExactly(
                "ev-1/" + hook.webhookId(), "ev-2/" + hook.webhookId(),
                "ev-1/" + hook.webhookId(), "ev-2/" + hook.webhookId());
        never.countDown();
    }

    /** A store that notes every delivery the dispatcher reads. */
    private static final class ReadCountingStore extends NotificationStore {
        final List<String> read = new java.util.concurrent.CopyOnWriteArrayList<>();

        ReadCountingStore(com.mongodb.client.MongoDatabase database) {
            super(database);
        }

        final List<String> webhooksRead = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public List<Delivery> findDeliveries(java.util.Collection<String> ids) {
            read.addAll(ids);
            return super.findDeliveries(ids);
        }

        @Override
        public java.util.Map<String, Webhook> findWebhooks(java.util.Collection<String> ids) {
            webhooksRead.addAll(ids);
            return super.findWebhooks(ids);
        }
    }

    private NotificationRecorder readCountingRecorder(NotificationStore counting, int perWebhookInFlight) {
        return queuedRecorder(counting, 4, perWebhookInFlight);
    }

    /** Records the revocation of consents c-1 to c-5 (events ev-1 to ev-5) and waits until each is delivered. */
    private void recordFiveRevocationsAndAwaitTheirDelivery(NotificationRecorder queued, RegisteredWebhook hook) {
        for (int i = 1; i <= 5; i++) {
            queued.record(revoked("c-" + i), "ev-" + i, i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.stream.IntStream.rangeClosed(1, 5)
                .allMatch(i -> state("ev-" + i + "/" + hook.webhookId()) == DeliveryState.DELIVERED));
    }

    @Test
    void aDeliveryRecordedJustNowIsSentAsRecordedWithoutReadingItAgainButARetryIsRead() throws Exception {
        ReadCountingStore counting = new ReadCountingStore(stores.database());
        NotificationRecorder queued = readCountingRecorder(counting, 4);
        Receiver receiver = receiver(Receiver.answering(n -> n == 1 ? 500 : 204)); // the first request fails
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        recordFiveRevocationsAndAwaitTheirDelivery(queued, hook);
        String failed = receiver.requests.get(0).header("webhook-id");
        assertThat(counting.read).containsExactly(failed); // only the retry was read from the store
        assertThat(receiver.requests).hasSize(6);
        com.standardwebhooks.Webhook verifier = new com.standardwebhooks.Webhook(hook.secret());
        for (Receiver.Received r : receiver.requests) {
            assertThatCode(() -> verifier.verify(r.body(), r.headers())).doesNotThrowAnyException();
            String eventId = r.header("webhook-id").substring(0, r.header("webhook-id").indexOf('/'));
            assertThat(r.body()).contains("\"eventId\":\"" + eventId + "\"");
        }
    }

    @Test
    void aFirstAttemptSoonAfterTheRecordingUsesTheWebhookTheRecorderKnewAndARetryReadsIt() throws Exception {
        ReadCountingStore counting = new ReadCountingStore(stores.database());
        NotificationRecorder queued = readCountingRecorder(counting, 4);
        dispatcher.carriedWebhookMaxAge(Duration.ofHours(1)); // "soon", however slow the machine
        Receiver receiver = receiver(Receiver.answering(n -> n == 1 ? 500 : 204)); // the first request fails
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));

        recordFiveRevocationsAndAwaitTheirDelivery(queued, hook);
        assertThat(receiver.requests).hasSize(6);
        assertThat(counting.webhooksRead).containsExactly(hook.webhookId()); // for the retry only
        com.standardwebhooks.Webhook verifier = new com.standardwebhooks.Webhook(hook.secret());
        for (Receiver.Received r : receiver.requests) {
            assertThatCode(() -> verifier.verify(r.body(), r.headers())).doesNotThrowAnyException();
        }
    }

    @Test
    void aDeliveryRecordedJustNowOfAWebhookDeletedSinceIsGivenUpUnsent() throws Exception {
        ReadCountingStore counting = new ReadCountingStore(stores.database());
        NotificationRecorder queued = readCountingRecorder(counting, 1);
        Receiver receiver = receiver(new Receiver(0, n -> 204, 300));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        // the webhook is deleted while its first request is in flight; the second waits for the one slot
        receiver.beforeAnswer = () -> service.delete(MESSENGER, hook.webhookId());

        queued.record(revoked("c-1"), "ev-1", 1);
        queued.record(revoked("c-2"), "ev-2", 2);

        String second = "ev-2/" + hook.webhookId();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(second) == DeliveryState.GIVEN_UP);
        assertThat(receiver.requests).hasSize(1);
        assertThat(store.findDelivery(second).orElseThrow().lastError()).isEqualTo("webhook-deleted");
        assertThat(counting.read).contains(second); // read again once its webhook was not found
    }

    @Test
    void aDispatcherStartingOnAStoreWithABacklogDeliversItFromTheOutbox() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        dispatcher.close(); // the ledger is down: the recorder stores, nobody sends
        NotificationRecorder noDispatcher = new NotificationRecorder(store, null, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            noDispatcher.record(revoked("c-" + i), "ev-" + i, i);
        }
        assertThat(store.pending()).hasSize(5);

        queuedRecorder(4); // a new dispatcher, as after a restart: it reads the outbox once, at start

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 5);
        Thread.sleep(300);
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(java.util.stream.IntStream.rangeClosed(1, 5)
                        .mapToObj(i -> "ev-" + i + "/" + hook.webhookId()).toArray(String[]::new));
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void aBatchRecordedAgainAfterACrashIsSentOnceAndWritesNothingTwice() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        dispatcher.close(); // the ledger is down
        NotificationRecorder noDispatcher = new NotificationRecorder(store, null, Clock.systemUTC());
        var batch = java.util.stream.IntStream.rangeClosed(1, 3).mapToObj(i -> io.consentledger.query.notification
                .NotificationMapper.map(revoked("c-" + i), "ev-" + i, i).orElseThrow()).toList();
        noDispatcher.recordAll(batch);
        noDispatcher.recordAll(batch); // the batch handled again (its token was not stored): found, not listed again
        var batches = stores.database().getCollection("notification_delivery_batches");
        var open = stores.database().getCollection("notification_outbox_open");
        assertThat(batches.countDocuments()).isEqualTo(1);
        // its block's marker, and (since p11) one of the batch's own, written when it was handled again
        assertThat(open.countDocuments()).isEqualTo(2);
        assertThat(store.pending()).hasSize(3);

        queuedRecorder(4); // a restart: the outbox is read once

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.pending().isEmpty());
        dispatcher.sweep(); // deletes the finished batch's marker
        // since p11 the block's marker stays until the block is sealed, or abandoned (unsealed for 10 minutes: the
        // recorder that wrote it stopped)
        assertThat(open.find().into(new java.util.ArrayList<>())).singleElement().satisfies(m -> assertThat(m.get("n"))
                .isEqualTo(NotificationStore.BLOCK_SIZE));
        assertThat(batches.countDocuments()).isEqualTo(1);
        Thread.sleep(200);
        assertThat(receiver.requests).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("ev-1/" + hook.webhookId(), "ev-2/" + hook.webhookId(),
                        "ev-3/" + hook.webhookId());
    }

    @Test
    void anInactiveDispatcherSendsNothingAndReadsTheOutboxWhenItTakesOver() throws Exception {
        Receiver receiver = receiver(Receiver.answering(n -> 204));
        RegisteredWebhook hook = service.register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        NotificationRecorder queued = queuedRecorder(4);
        java.util.concurrent.atomic.AtomicBoolean holdsSegment = new java.util.concurrent.atomic.AtomicBoolean();
        dispatcher.activeWhen(holdsSegment::get);
        Thread.sleep(700); // the dispatcher notices within half a second

        queued.record(revoked("c-1"), "ev-1", 1);
        Thread.sleep(700);
        assertThat(receiver.requests).isEmpty();
        long reads = dispatcher.outboxReads();

        holdsSegment.set(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> state("ev-1/" + hook.webhookId()) == DeliveryState.DELIVERED);
        assertThat(dispatcher.outboxReads()).isEqualTo(reads + 1);
        assertThat(receiver.requests).hasSize(1);
    }

    private DeliveryState state(String deliveryId) {
        return store.findDelivery(deliveryId).map(Delivery::state).orElse(null);
    }

    private Receiver receiver(Receiver receiver) {
        closing.add(receiver);
        return receiver;
    }

    private static ConsentAuthorised authorised(String consentId) {
        return new ConsentAuthorised(consentId, "messenger", "cust-9", "bank-1", null, Instant.now(), Instant.now());
    }

    private static ConsentRevoked revoked(String consentId) {
        return new ConsentRevoked(consentId, "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.RECIPIENT, Instant.now());
    }

    /** A started HTTP server on loopback that answers every request with {@code handler}, stopped after the test. */
    private com.sun.net.httpserver.HttpServer loopback(com.sun.net.httpserver.HttpHandler handler) throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", handler);
        server.start();
        closing.add(() -> server.stop(0));
        return server;
    }
}
