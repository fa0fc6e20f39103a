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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Sends the pending deliveries. They wait in an in-memory {@link DispatchQueue}, fed by the recorder once a batch is
 * stored ({@link #enqueue}), and by the outbox, which is the queue's recovery copy: read in full when this instance
 * starts dispatching (at start, or on taking over the {@code notifications} processor's segment) and on a slow
 * sweep ({@code pollInterval}) that adopts what the queue does not know (deliveries queued through another instance,
 * or left by one that stopped). A pass costs what it hands out, never a read of the backlog.
 * <p>
 * One scheduler thread takes the deliveries that are due and first in their lane ({@link DeliveryOrdering}'s rule),
 * and hands them to a fixed pool of workers. A webhook never has more than {@code perWebhookInFlight} deliveries in
 * flight (each of a different lane), so a slow or hanging receiver occupies at most that many workers and never
 * holds up another receiver.
 * <p>
 * Each attempt re-checks the URL against the {@link WebhookUrlPolicy} on freshly resolved addresses, signs the
 * stored body with every currently valid secret, and sends it with the JDK {@link HttpClient}: connect timeout 2 s,
 * total 10 s, no redirects followed. 2xx delivers; 410 disables the webhook and gives the delivery up; anything else
 * (another status, a refused connection, a timeout, a refused address) is retried on the {@link RetrySchedule} and
 * given up after the last retry. Every attempt is logged, and every outcome is stored before the queue moves on,
 * so a restarted ledger resumes from the outbox where it stopped.
 * <p>
 * Only one instance should dispatch: {@link #activeWhen} says when this one does (the Spring wiring: while it holds
 * the {@code notifications} processor's segment, so the recorder that feeds the queue runs here too). Losing that
 * forgets the queue (attempts in flight end as usual); regaining it reads the outbox again.
 */
public class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** How the dispatcher runs; {@link #defaults()} are the production values. */
    public record Settings(int workers, int perWebhookInFlight, Duration connectTimeout, Duration totalTimeout,
                           Duration pollInterval) {
        public static Settings defaults() {
            return new Settings(16, 4, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10));
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
    private final Thread scheduler;
    private final DispatchQueue queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean signalled;
    private volatile BooleanSupplier active = () -> true;
    private boolean dispatching;
    private Instant nextSweep = Instant.MIN;
    private final AtomicLong outboxReads = new AtomicLong();
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
        this.queue = new DispatchQueue(settings.perWebhookInFlight());
        this.scheduler = named("webhook-dispatcher").newThread(this::run);
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

    /** Starts dispatching (reading the outbox first, when active). */
    public void start() {
        scheduler.start();
    }

    /**
     * Whether this instance dispatches now; checked before every pass and at least twice a second. Default: always.
     */
    public void activeWhen(BooleanSupplier condition) {
        this.active = condition;
        wake();
    }

    /** Pending deliveries that are stored (the outbox holds them): they join the queue, if this instance dispatches. */
    public void enqueue(Collection<PendingDelivery> pending) {
        lock.lock();
        try {
            if (dispatching && queue.addAll(pending) > 0) {
                signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a pass as soon as possible. */
    public void wake() {
        lock.lock();
        try {
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a sweep of the outbox as soon as possible. */
    public void sweepSoon() {
        lock.lock();
        try {
            nextSweep = Instant.MIN;
            signal();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        signalled = true;
        changed.signalAll();
    }

    private void run() {
        while (!closed) {
            try {
                pass();
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("webhook dispatch pass failed, retrying: {}", e.toString());
                    sleepQuietly(settings.pollInterval().toMillis());
                }
            }
        }
    }

    /** One turn of the scheduler: activation, the sweep when due, hand out what is due, wait. */
    private void pass() {
        boolean shouldDispatch = isActive();
        boolean sweep;
        lock.lock();
        try {
            if (!shouldDispatch && dispatching) {
                queue.clearWaiting();
                updateBacklog(queue.backlog());
            }
            if (shouldDispatch && !dispatching) {
                nextSweep = Instant.MIN; // taking over: the outbox is the queue's recovery copy
            }
            dispatching = shouldDispatch;
            sweep = dispatching && !clock.instant().isBefore(nextSweep);
        } finally {
            lock.unlock();
        }
        if (sweep) {
            sweep();
        }
        lock.lock();
        try {
            if (dispatching) {
                dispatchDueLocked();
            }
            Instant now = clock.instant();
            Instant wakeAt = now.plusMillis(500); // to notice a change of activity
            if (dispatching) {
                wakeAt = min(wakeAt, nextSweep);
                Optional<Instant> due = queue.nextDue();
                if (due.isPresent()) {
                    wakeAt = min(wakeAt, due.get());
                }
            }
            long waitMillis = Duration.between(now, wakeAt).toMillis();
            if (!signalled && waitMillis > 0 && !closed) {
                changed.await(waitMillis, TimeUnit.MILLISECONDS);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isActive() {
        try {
            return active.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads the outbox (the one scan) and adopts every pending delivery the queue does not know. Package-visible for
     * tests.
     */
    void sweep() {
        lock.lock();
        try {
            nextSweep = clock.instant().plus(settings.pollInterval());
        } finally {
            lock.unlock();
        }
        outboxReads.incrementAndGet();
        List<PendingDelivery> stored = store.pending();
        lock.lock();
        try {
            if (dispatching) {
                int adopted = queue.addAll(stored);
                if (adopted > 0) {
                    log.debug("webhook dispatcher adopted {} pending deliveries from the outbox", adopted);
                }
                updateBacklog(queue.backlog());
            }
        } finally {
            lock.unlock();
        }
    }

    /** How often the outbox was read in full: at start, on taking over, on the sweep (for tests and operators). */
    public long outboxReads() {
        return outboxReads.get();
    }

    /** One pass without waiting: hands every dispatchable delivery to a worker; returns how many. For tests. */
    int dispatchDue() {
        lock.lock();
        try {
            return dispatchDueLocked();
        } finally {
            lock.unlock();
        }
    }

    private int dispatchDueLocked() {
        List<PendingDelivery> due = queue.takeDue(clock.instant());
        int handed = 0;
        for (PendingDelivery delivery : due) {
            try {
                workers.execute(() -> attemptAndRelease(delivery));
                handed++;
            } catch (RejectedExecutionException closing) {
                queue.retryAt(delivery, delivery.dueAt());
            }
        }
        updateBacklog(queue.backlog());
        return handed;
    }

    private void attemptAndRelease(PendingDelivery pending) {
        // the delivery id is the correlation id of the attempt's log lines, and the receiver's webhook-id
        MDC.put(CorrelationIdFilter.MDC_KEY, pending.deliveryId());
        Outcome outcome;
        try {
            outcome = attempt(pending.deliveryId());
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("webhook delivery {} could not be attempted, retrying shortly: {}",
                        pending.deliveryId(), e.toString());
            }
            outcome = Outcome.retryAt(clock.instant().plusSeconds(1));
        } finally {
            MDC.remove(CorrelationIdFilter.MDC_KEY);
        }
        lock.lock();
        try {
            if (outcome.nextAttemptAt() == null) {
                queue.finished(pending);
            } else {
                queue.retryAt(pending, outcome.nextAttemptAt());
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** What an attempt left: done with (delivered, given up, or no longer pending), or due again at a time. */
    record Outcome(Instant nextAttemptAt) {
        static final Outcome DONE = new Outcome(null);

        static Outcome retryAt(Instant at) {
            return new Outcome(at);
        }
    }

    /** One attempt at one delivery; package-visible for tests. */
    Outcome attempt(String deliveryId) {
        Optional<Delivery> found = store.findDelivery(deliveryId);
        if (found.isEmpty() || found.get().state() != DeliveryState.PENDING) {
            return Outcome.DONE;
        }
        Delivery delivery = found.get();
        Optional<Webhook> webhook = store.findWebhook(delivery.webhookId());
        if (webhook.isEmpty() || !webhook.get().enabled()) {
            store.giveUp(deliveryId, delivery.attempts(), clock.instant(),
                    webhook.isEmpty() ? "webhook-deleted" : "webhook-disabled");
            outcome("given_up");
            return Outcome.DONE;
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
            return Outcome.DONE;
        }
        attempts("failure").increment();
        String reason = error != null ? error : "http-" + status;
        if (status == 410) {
            store.disable(delivery.webhookId(), "The receiver answered 410 Gone at " + end + ".");
            store.giveUp(deliveryId, number, end, reason);
            outcome("given_up");
            log.info("webhook {} disabled: its receiver answered 410 Gone", delivery.webhookId());
            return Outcome.DONE;
        }
        Optional<Instant> next = schedule.next(number, end, random);
        if (next.isPresent()) {
            store.reschedule(deliveryId, number, next.get(), reason);
            return Outcome.retryAt(next.get());
        }
        store.giveUp(deliveryId, number, end, reason);
        outcome("given_up");
        log.info("webhook delivery {} given up after {} attempts, last: {}", deliveryId, number, reason);
        return Outcome.DONE;
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

    private void updateBacklog(Map<String, Long> counts) {
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
        wake();
        scheduler.interrupt();
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

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(Math.max(10, Math.min(millis, 1000)));
        } catch (InterruptedException e) {
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
