package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.address.WebhookUrlRefused;
import io.consentledger.query.notification.signing.WebhookSecret;
import io.consentledger.query.notification.signing.WebhookSigner;
import io.consentledger.security.CorrelationIdFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Sends the pending deliveries of the outbox. One scheduler thread picks, every {@code pollInterval} (or at once
 * after {@link #wake()}), the deliveries that are due and first in their lane ({@link DeliveryOrdering}), and hands
 * them to a fixed pool of workers. A webhook never has more than {@code perWebhookInFlight} deliveries in flight, so
 * a slow or hanging receiver occupies at most that many workers and never holds up another receiver.
 * <p>
 * Each attempt re-checks the URL against the {@link WebhookUrlPolicy} on freshly resolved addresses, signs the
 * stored body with every currently valid secret, and sends it with the JDK {@link HttpClient}: connect timeout 2 s,
 * total 10 s, no redirects followed. 2xx delivers; 410 disables the webhook and gives the delivery up; anything else
 * (another status, a refused connection, a timeout, a refused address) is retried on the {@link RetrySchedule} and
 * given up after the last retry. Every attempt is logged. State lives in the store only, so a restarted ledger
 * resumes where it stopped.
 */
public class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** How the dispatcher runs; {@link #defaults()} are the production values. */
    public record Settings(int workers, int perWebhookInFlight, Duration connectTimeout, Duration totalTimeout,
                           Duration pollInterval) {
        public static Settings defaults() {
            return new Settings(8, 2, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1));
        }
    }

    private final NotificationStore store;
    private final WebhookUrlPolicy urlPolicy;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final RandomGenerator random;
    private final Settings settings;
    private final HttpClient http;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> inFlightPerWebhook = new ConcurrentHashMap<>();
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private volatile boolean closed;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();
    private final Timer latency;

    public WebhookDispatcher(NotificationStore store, WebhookUrlPolicy urlPolicy, RetrySchedule schedule, Clock clock,
                             RandomGenerator random, MeterRegistry meters, Settings settings) {
        this.store = store;
        this.urlPolicy = urlPolicy;
        this.schedule = schedule;
        this.clock = clock;
        this.random = random;
        this.settings = settings;
        this.meters = meters;
        this.workers = Executors.newFixedThreadPool(settings.workers(), named("webhook-worker"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(named("webhook-dispatcher"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.latency = Timer.builder("ledger.notifications.attempt.latency")
                .description("How long a webhook receiver took to answer one attempt").register(meters);
        // registered at zero, so dashboards and alerts see the series before the first delivery
        for (String outcome : List.of("delivered", "given_up")) {
            deliveries(outcome);
        }
        for (String outcome : List.of("success", "failure")) {
            attempts(outcome);
        }
    }

    private Counter deliveries(String outcome) {
        return Counter.builder("ledger.notifications.deliveries").tag("outcome", outcome)
                .description("Deliveries finished, by outcome").register(meters);
    }

    private Counter attempts(String outcome) {
        return Counter.builder("ledger.notifications.attempts").tag("outcome", outcome)
                .description("Delivery attempts, by outcome (success: a 2xx)").register(meters);
    }

    /** Starts polling the outbox. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::safePass, 0, settings.pollInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass as soon as possible, for example after new deliveries were recorded. */
    public void wake() {
        if (passQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    passQueued.set(false);
                    safePass();
                });
            } catch (RejectedExecutionException closed) {
                passQueued.set(false);
            }
        }
    }

    /** One pass: hands every dispatchable delivery to a worker; returns how many it handed over. */
    public int dispatchDue() {
        List<PendingDelivery> pending = store.pending();
        updateBacklog(pending);
        int handed = 0;
        for (PendingDelivery delivery : DeliveryOrdering.dispatchable(pending, Set.copyOf(inFlight), clock.instant())) {
            AtomicInteger busy = inFlightPerWebhook.computeIfAbsent(delivery.webhookId(), k -> new AtomicInteger());
            if (busy.get() >= settings.perWebhookInFlight() || !inFlight.add(delivery.deliveryId())) {
                continue;
            }
            busy.incrementAndGet();
            try {
                workers.execute(() -> attemptAndRelease(delivery, busy));
                handed++;
            } catch (RejectedExecutionException closed) {
                inFlight.remove(delivery.deliveryId());
                busy.decrementAndGet();
                break;
            }
        }
        return handed;
    }

    private void safePass() {
        try {
            dispatchDue();
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("webhook dispatch pass failed, retrying on the next pass: {}", e.toString());
            }
        }
    }

    private void attemptAndRelease(PendingDelivery pending, AtomicInteger busy) {
        // the delivery id is the correlation id of the attempt's log lines, and the receiver's webhook-id
        MDC.put(CorrelationIdFilter.MDC_KEY, pending.deliveryId());
        try {
            attempt(pending.deliveryId());
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("webhook delivery {} could not be attempted, retrying on a later pass: {}",
                        pending.deliveryId(), e.toString());
            }
        } finally {
            MDC.remove(CorrelationIdFilter.MDC_KEY);
            inFlight.remove(pending.deliveryId());
            busy.decrementAndGet();
            wake();
        }
    }

    /** One attempt at one delivery; package-visible for tests. */
    void attempt(String deliveryId) {
        Optional<Delivery> found = store.findDelivery(deliveryId);
        if (found.isEmpty() || found.get().state() != DeliveryState.PENDING) {
            return;
        }
        Delivery delivery = found.get();
        Optional<Webhook> webhook = store.findWebhook(delivery.webhookId());
        if (webhook.isEmpty() || !webhook.get().enabled()) {
            store.giveUp(deliveryId, delivery.attempts(), clock.instant(),
                    webhook.isEmpty() ? "webhook-deleted" : "webhook-disabled");
            outcome("given_up");
            return;
        }
        int number = delivery.attempts() + 1;
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        int status = 0;
        String error = null;
        try {
            status = send(webhook.get(), delivery, start);
        } catch (WebhookUrlRefused e) {
            error = e.code();
        } catch (HttpConnectTimeoutException e) {
            error = "connect-timeout";
        } catch (HttpTimeoutException | TimeoutException e) {
            error = "timeout";
        } catch (ConnectException e) {
            error = "connection-refused";
        } catch (java.io.IOException e) {
            error = "io-error";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        latency.record(Duration.ofMillis(millis));
        store.recordAttempt(new DeliveryAttempt(deliveryId, delivery.webhookId(), number, start, status, millis,
                error));
        Instant end = clock.instant();
        if (status >= 200 && status < 300) {
            attempts("success").increment();
            store.markDelivered(deliveryId, number, end);
            outcome("delivered");
            return;
        }
        attempts("failure").increment();
        String reason = error != null ? error : "http-" + status;
        if (status == 410) {
            store.disable(delivery.webhookId(), "The receiver answered 410 Gone at " + end + ".");
            store.giveUp(deliveryId, number, end, reason);
            outcome("given_up");
            log.info("webhook {} disabled: its receiver answered 410 Gone", delivery.webhookId());
            return;
        }
        Optional<Instant> next = schedule.next(number, end, random);
        if (next.isPresent()) {
            store.reschedule(deliveryId, number, next.get(), reason);
        } else {
            store.giveUp(deliveryId, number, end, reason);
            outcome("given_up");
            log.info("webhook delivery {} given up after {} attempts, last: {}", deliveryId, number, reason);
        }
    }

    private int send(Webhook webhook, Delivery delivery, Instant now)
            throws java.io.IOException, InterruptedException, TimeoutException {
        urlPolicy.checkDelivery(webhook.url());
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        List<WebhookSecret> secrets = webhook.signingSecrets(now);
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(settings.totalTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "ConsentLedger-Webhooks/1")
                .header(WebhookSigner.HEADER_ID, delivery.id())
                .header(WebhookSigner.HEADER_TIMESTAMP, Long.toString(timestamp))
                .header(WebhookSigner.HEADER_SIGNATURE,
                        WebhookSigner.signatureHeader(secrets, delivery.id(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<Void>> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return response.get(settings.totalTimeout().toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            response.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.IOException io) {
                throw io;
            }
            throw new java.io.IOException(cause);
        }
    }

    private void outcome(String outcome) {
        deliveries(outcome).increment();
    }

    private void updateBacklog(List<PendingDelivery> pending) {
        Map<String, Long> counts = new HashMap<>();
        pending.forEach(p -> counts.merge(p.webhookId(), 1L, Long::sum));
        backlog.forEach((webhook, gauge) -> gauge.set(counts.getOrDefault(webhook, 0L)));
        counts.forEach((webhook, count) -> backlog.computeIfAbsent(webhook, w -> {
            AtomicLong gauge = new AtomicLong();
            Gauge.builder("ledger.notifications.backlog", gauge, AtomicLong::get).tag("webhook", w)
                    .description("Pending deliveries of one webhook").register(meters);
            return gauge;
        }).set(count));
    }

    @Override
    /**
     * Stops picking deliveries and lets the attempts in flight finish (each ends within the total timeout);
     * interrupts them only if they do not. Whatever was not delivered stays pending in the store.
     */
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.totalTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
