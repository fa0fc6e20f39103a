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

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
 * and hands them to a fixed pool of workers, which read them (a batch at once) and send them. A webhook never has more than {@code perWebhookInFlight} deliveries in
 * flight (each of a different lane), so a slow or hanging receiver occupies at most that many workers and never
 * holds up another receiver. A request frees its webhook's slot when it ends; its lane waits until its outcome is
 * stored.
 * <p>
 * Each attempt re-checks the URL against the {@link WebhookUrlPolicy} on freshly resolved addresses, signs the
 * stored body with every currently valid secret, and sends it with the JDK's {@link HttpURLConnection} (blocking, on
 * the worker; no proxy; keep-alive): connect timeout 2 s,
 * total 10 s, no redirects followed. 2xx delivers; 410 disables the webhook and gives the delivery up; anything else
 * (another status, a refused connection, a timeout, a refused address) is retried on the {@link RetrySchedule} and
 * given up after the last retry. Every attempt is logged, and every outcome is stored before the queue forgets it,
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

    /**
     * How long the outcome recorder waits after an attempt ended for others to store with it: the lanes of failed
     * attempts wait that much longer; neither the lanes of delivered ones (they move on when the receiver answers
     * 2xx, since p12) nor the receivers' slots do (they are free once the request ended). Since p11
     * 100 ms (was 20): at a few hundred deliveries a second, an outcome batch then stores ~5 times as many outcomes
     * for the same round trips (the webhooks' counters, one log page per webhook, one update per batch document).
     * Meanwhile a reader sees the delivery pending and its attempt not yet in the log; a crash in that window sends
     * it again, with the same {@code webhook-id}.
     */
    static final Duration OUTCOME_LINGER = Duration.ofMillis(100);
    /**
     * How recent the webhook a delivery recorded just now carries must be for its first attempt to use it instead of
     * reading the webhook. A change made through this process (deleted, disabled by a 410, secret rotated) is always
     * seen: a webhook known before it is not used. One made through another instance at most this much before the
     * attempt may go unseen by it, as if it had come a moment later (the recorder's cache, per batch, works the same
     * way).
     */
    static final Duration CARRIED_WEBHOOK_MAX_AGE = Duration.ofSeconds(1);
    private volatile long carriedWebhookMaxAgeNanos = CARRIED_WEBHOOK_MAX_AGE.toNanos();
    private volatile long outcomeLingerNanos = OUTCOME_LINGER.toNanos();
    private static final int OUTCOME_BATCH = 256;

    private final NotificationStore store;
    private final WebhookUrlPolicy urlPolicy;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final RandomGenerator random;
    private final Settings settings;
    /** The attempts' total timeouts: one watcher thread for all, nothing scheduled per request. */
    private final AttemptDeadlines deadlines;
    /** The stored URLs as {@link java.net.URL}s (parsed once per URL, not per request); cleared when it grows large. */
    private final Map<java.net.URI, java.net.URL> urls = new ConcurrentHashMap<>();
    private static final int MAX_URLS = 4096;
    /** Each worker's buffer for the answers' bodies, instead of one per request. */
    private static final ThreadLocal<byte[]> DRAIN_BUFFER = ThreadLocal.withInitial(() -> new byte[8192]);
    /** The most of an answer's body read: receivers answer with a status, the body is not used. */
    private static final int DRAINED = 64 * 1024;
    private final ExecutorService workers;
    private final Thread scheduler;
    private final Thread recorder;
    private final LinkedBlockingQueue<Result> results = new LinkedBlockingQueue<>();
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
        this.recorder = named("webhook-outcomes").newThread(this::recordResults);
        this.deadlines = new AttemptDeadlines(settings.totalTimeout().toNanos(), "webhook-timeouts-1");
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
        recorder.start();
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
        List<PendingDelivery> due;
        lock.lock();
        try {
            due = dispatching ? queue.takeDue(clock.instant()) : List.of();
            updateBacklog(queue.backlog());
        } finally {
            lock.unlock();
        }
        if (!due.isEmpty()) {
            // the reads and the hand-out run on a worker, so the scheduler is free to hand out the next slots at once
            try {
                workers.execute(() -> submit(due));
            } catch (RejectedExecutionException closing) {
                requeue(due);
            }
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            Instant wakeAt = now.plusMillis(500); // to notice a change of activity
            if (dispatching) {
                wakeAt = min(wakeAt, nextSweep);
                Optional<Instant> nextDue = queue.nextDue();
                if (nextDue.isPresent()) {
                    wakeAt = min(wakeAt, nextDue.get());
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
     * Reads the outbox (the one scan), adopts every pending delivery the queue does not know and deletes the outbox
     * documents left without entries. Package-visible for tests.
     */
    void sweep() {
        lock.lock();
        try {
            nextSweep = clock.instant().plus(settings.pollInterval());
        } finally {
            lock.unlock();
        }
        outboxReads.incrementAndGet();
        List<PendingDelivery> stored = store.sweepOutbox();
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

    /** For tests: how recent a carried webhook must be (default {@link #CARRIED_WEBHOOK_MAX_AGE}). */
    void carriedWebhookMaxAge(Duration maxAge) {
        this.carriedWebhookMaxAgeNanos = maxAge.toNanos();
    }

    /** For tests and profiles: how long the outcome recorder waits for others (default {@link #OUTCOME_LINGER}). */
    void outcomeLinger(Duration linger) {
        this.outcomeLingerNanos = linger.toNanos();
    }

    /** How often the outbox was read in full: at start, on taking over, on the sweep (for tests and operators). */
    public long outboxReads() {
        return outboxReads.get();
    }

    /**
     * Hands the deliveries taken from the queue to the workers, after reading their webhooks in one round trip for
     * all, and the deliveries in one more, except those recorded just now (their first attempt, the recorder handed
     * them over as stored, with their webhook as it knew it: if that is at most {@link #CARRIED_WEBHOOK_MAX_AGE} old
     * for every delivery of a webhook in the pass, that webhook is not read): a delivery no longer pending leaves the
     * queue; one of a deleted or disabled webhook is given up without an attempt.
     */
    private void submit(List<PendingDelivery> due) {
        Map<String, Delivery> deliveries = new HashMap<>();
        Map<String, Webhook> webhooks;
        try {
            long now = System.nanoTime();
            long lastLocalChange = NotificationStore.lastLocalWebhookChange();
            java.util.Set<String> toReadWebhooks = due.stream().filter(p -> p.webhook() == null
                    || now - p.webhookKnownAt() > carriedWebhookMaxAgeNanos
                    || p.webhookKnownAt() - lastLocalChange <= 0)
                    .map(PendingDelivery::webhookId).collect(java.util.stream.Collectors.toSet());
            webhooks = toReadWebhooks.isEmpty() ? new HashMap<>() : new HashMap<>(store.findWebhooks(toReadWebhooks));
            for (PendingDelivery pending : due) {
                if (pending.webhook() != null && !toReadWebhooks.contains(pending.webhookId())) {
                    webhooks.putIfAbsent(pending.webhookId(), pending.webhook());
                }
            }
            // a delivery recorded just now, of a webhook still enabled, is sent as recorded; the others are read
            List<String> toRead = new ArrayList<>();
            for (PendingDelivery pending : due) {
                Webhook webhook = webhooks.get(pending.webhookId());
                if (pending.recorded() != null && pending.recorded().attempts() == 0 && webhook != null
                        && webhook.enabled()) {
                    deliveries.put(pending.deliveryId(), pending.recorded());
                } else {
                    toRead.add(pending.deliveryId());
                }
            }
            if (!toRead.isEmpty()) {
                store.findDeliveries(toRead).forEach(d -> deliveries.put(d.id(), d));
            }
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("webhook deliveries could not be read, retrying shortly: {}", e.toString());
            }
            requeue(due);
            return;
        }
        List<PendingDelivery> gone = new ArrayList<>();
        Runnable inline = null;
        for (PendingDelivery pending : due) {
            Delivery delivery = deliveries.get(pending.deliveryId());
            if (delivery == null || delivery.state() != DeliveryState.PENDING) {
                gone.add(pending);
                continue;
            }
            Webhook webhook = webhooks.get(delivery.webhookId());
            if (webhook == null || !webhook.enabled()) {
                results.add(Result.notAttempted(pending, delivery, webhook == null ? "webhook-deleted"
                        : "webhook-disabled", clock.instant()));
                continue;
            }
            Runnable attempt = () -> attempt(pending, delivery, webhook);
            if (inline == null) {
                inline = attempt; // this worker sends one itself: one hand-over less per pass
                continue;
            }
            try {
                workers.execute(attempt);
            } catch (RejectedExecutionException closing) {
                requeue(List.of(pending));
            }
        }
        if (!gone.isEmpty()) {
            // their entries are spare (a batch recorded again listed them twice) or left by a crash: removed, so
            // that the sweep does not adopt them again
            List<PendingDelivery.OutboxSlot> spare = gone.stream().map(PendingDelivery::outbox)
                    .filter(java.util.Objects::nonNull).toList();
            if (!spare.isEmpty()) {
                try {
                    store.removeFromOutbox(spare);
                } catch (RuntimeException e) {
                    log.warn("spare outbox entries could not be removed, the sweep finds them again: {}", e.toString());
                }
            }
            lock.lock();
            try {
                gone.forEach(queue::finished);
                signal();
            } finally {
                lock.unlock();
            }
        }
        if (inline != null) {
            inline.run();
        }
    }

    private void requeue(List<PendingDelivery> deliveries) {
        Instant later = clock.instant().plusSeconds(1);
        lock.lock();
        try {
            deliveries.forEach(d -> queue.retryAt(d, later));
            signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What one attempt did, for the outcome recorder; {@code notAttempted} is set when no request was made;
     * {@code logged} once its attempt is in the delivery log (an outcome stored again after a failure).
     */
    record Result(PendingDelivery pending, Delivery delivery, int number, Instant start, Instant end, int status,
                  long millis, String error, String notAttempted, boolean logged) {
        static Result notAttempted(PendingDelivery pending, Delivery delivery, String reason, Instant at) {
            return new Result(pending, delivery, delivery.attempts(), at, at, 0, 0, null, reason, false);
        }

        /** The receiver accepted it: its lane moved on when the attempt ended, its outcome must still be stored. */
        boolean delivered() {
            return notAttempted == null && status >= 200 && status < 300;
        }

        Result asLogged() {
            return new Result(pending, delivery, number, start, end, status, millis, error, notAttempted, true);
        }
    }

    /** One attempt (a worker): the request only; its outcome is stored by the outcome recorder with others. */
    private void attempt(PendingDelivery pending, Delivery delivery, Webhook webhook) {
        // the delivery id is the correlation id of the attempt's log lines, and the receiver's webhook-id
        MDC.put(CorrelationIdFilter.MDC_KEY, pending.deliveryId());
        try {
            int number = delivery.attempts() + 1;
            Instant start = clock.instant();
            long t0 = System.nanoTime();
            int status = 0;
            String error = null;
            try {
                status = send(webhook, delivery, start);
            } catch (WebhookUrlRefused e) {
                error = e.code();
            } catch (AttemptFailed e) {
                error = e.code;
            } catch (RuntimeException e) {
                error = "io-error";
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            latency.record(Duration.ofMillis(millis));
            // the request is over: the webhook's slot goes to another lane; if delivered, this lane's next may go now
            // (a crash before the outcome is stored sends this one again, with the same webhook-id: at least once),
            // else the lane waits for the stored outcome, which decides the retry
            Result result = new Result(pending, delivery, number, start, clock.instant(), status, millis, error, null,
                    false);
            lock.lock();
            try {
                if (queue.attemptEnded(result.delivered(), pending)) {
                    signal(); // a delivery waited for the slot or the lane: a pass hands it out (else no wake-up)
                }
            } finally {
                lock.unlock();
            }
            results.add(result);
        } finally {
            MDC.remove(CorrelationIdFilter.MDC_KEY);
        }
    }

    /**
     * The outcome recorder's thread: stores the results of the attempts that ended, many at once (their attempts in
     * the log, the deliveries' new states, the outbox), and only then moves on the lanes of those not delivered. A
     * lane's next delivery is therefore sent only after the one before was delivered (2xx) or its give-up stored. If
     * storing fails, the delivered ones are stored again (not sent again), the others are sent again.
     */
    private void recordResults() {
        List<Result> batch = new ArrayList<>();
        while (!(closed && workers.isTerminated() && results.isEmpty())) {
            try {
                Result first = results.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // a moment for the attempts ending about now to join the batch: fewer, larger writes
                long until = System.nanoTime() + outcomeLingerNanos;
                long left;
                while (batch.size() < OUTCOME_BATCH && (left = until - System.nanoTime()) > 0 && !closed) {
                    Result next = results.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    results.drainTo(batch, OUTCOME_BATCH - batch.size());
                }
                results.drainTo(batch, Math.max(0, OUTCOME_BATCH - batch.size()));
                store(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("webhook attempt outcomes could not be stored, retrying shortly: {}", e.toString());
                }
                requeue(batch.stream().filter(r -> !r.delivered()).map(Result::pending).toList());
                List<Result> delivered = batch.stream().filter(Result::delivered)
                        .map(r -> batchLogged ? r.asLogged() : r).toList();
                if (!delivered.isEmpty() && !closed) { // (once closed, the outbox sends them again at the next start)
                    sleepQuietly(settings.pollInterval().toMillis());
                    results.addAll(delivered);
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Whether the last batch's attempts reached the log (read after {@link #store} failed; recorder thread only). */
    private boolean batchLogged;

    /** Stores a batch of results and moves their lanes on: a handful of round trips for the whole batch. */
    void store(List<Result> batch) {
        batchLogged = false;
        List<DeliveryAttempt> attempts = new ArrayList<>();
        List<NotificationStore.Outcome> outcomes = new ArrayList<>();
        Map<String, String> disable = new LinkedHashMap<>();
        List<String> delivered = new ArrayList<>();
        List<String> givenUp = new ArrayList<>();
        int failures = 0;
        for (Result r : batch) {
            String id = r.pending().deliveryId();
            if (r.notAttempted() != null) {
                outcomes.add(outcome(r, DeliveryState.GIVEN_UP, r.number(), r.end(), null,
                        r.notAttempted()));
                givenUp.add(id);
                continue;
            }
            if (!r.logged()) {
                attempts.add(new DeliveryAttempt(id, r.delivery().webhookId(), r.number(), r.start(), r.status(),
                        r.millis(), r.error()));
            }
            if (r.status() >= 200 && r.status() < 300) {
                outcomes.add(outcome(r, DeliveryState.DELIVERED, r.number(), r.end(), null,
                        null));
                delivered.add(id);
                continue;
            }
            failures++;
            String reason = r.error() != null ? r.error() : "http-" + r.status();
            if (r.status() == 410) {
                disable.put(r.delivery().webhookId(), "The receiver answered 410 Gone at " + r.end() + ".");
                outcomes.add(outcome(r, DeliveryState.GIVEN_UP, r.number(), r.end(), null,
                        reason));
                givenUp.add(id);
                continue;
            }
            Optional<Instant> next = schedule.next(r.number(), r.end(), random);
            if (next.isPresent()) {
                outcomes.add(outcome(r, DeliveryState.PENDING, r.number(), r.end(),
                        next.get(), reason));
            } else {
                outcomes.add(outcome(r, DeliveryState.GIVEN_UP, r.number(), r.end(), null,
                        reason));
                givenUp.add(id);
                log.info("webhook delivery {} given up after {} attempts, last: {}", id, r.number(), reason);
            }
        }
        store.recordAttempts(attempts);
        batchLogged = true;
        attempts("success").increment(attempts.size() - failures);
        attempts("failure").increment(failures);
        disable.forEach((webhookId, reason) -> {
            store.disable(webhookId, reason);
            log.info("webhook {} disabled: its receiver answered 410 Gone", webhookId);
        });
        store.applyOutcomes(outcomes);
        deliveries("delivered").increment(delivered.size());
        deliveries("given_up").increment(givenUp.size());
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                NotificationStore.Outcome outcome = outcomes.get(i);
                if (outcome.state() == DeliveryState.PENDING) {
                    queue.retryAt(batch.get(i).pending(), outcome.nextAttemptAt());
                } else {
                    queue.finished(batch.get(i).pending());
                }
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    private static NotificationStore.Outcome outcome(Result r, DeliveryState state, int attemptsMade, Instant at,
                                                     Instant nextAttemptAt, String error) {
        return new NotificationStore.Outcome(r.pending().deliveryId(), state, attemptsMade, at, nextAttemptAt, error,
                r.pending().outbox());
    }

    /** An attempt that ended without an answer, with the error code the log shows. */
    private static final class AttemptFailed extends Exception {
        final String code;

        AttemptFailed(String code) {
            super(code, null, false, false);
            this.code = code;
        }
    }

    /**
     * One request, blocking on this worker: {@link HttpURLConnection} without a proxy, redirects not followed, HTTP/1.1
     * with keep-alive (the JDK's connection cache), connect timeout, and the total timeout enforced by closing the
     * connection when it passes. At most {@link #DRAINED} bytes of the answer's body are read (so that the connection
     * can be reused); a longer body closes the connection.
     */
    private int send(Webhook webhook, Delivery delivery, Instant now) throws AttemptFailed {
        urlPolicy.checkDelivery(webhook.url());
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        List<WebhookSecret> secrets = webhook.signingSecrets(now);
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) url(webhook.url()).openConnection(Proxy.NO_PROXY);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new AttemptFailed("io-error");
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) settings.connectTimeout().toMillis());
        connection.setReadTimeout((int) settings.totalTimeout().toMillis());
        connection.setDoOutput(true);
        // not in streaming mode: the JDK then checks a kept-alive connection before each streamed POST with a 1 ms
        // read that times out (an exception and a stall per request); a buffered body (a few hundred bytes) is sent
        // with its Content-Length, and a request that fails on a kept-alive connection the receiver had closed is sent
        // once more on a new one (the same webhook-id: a receiver that got it twice sees a duplicate, as after a retry)
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("Accept", "*/*");
        connection.setRequestProperty("User-Agent", "ConsentLedger-Webhooks/1");
        connection.setRequestProperty(WebhookSigner.HEADER_ID, delivery.id());
        connection.setRequestProperty(WebhookSigner.HEADER_TIMESTAMP, Long.toString(timestamp));
        connection.setRequestProperty(WebhookSigner.HEADER_SIGNATURE,
                WebhookSigner.signatureHeader(secrets, delivery.id(), timestamp, body));
        java.util.concurrent.atomic.AtomicBoolean readingBody = new java.util.concurrent.atomic.AtomicBoolean();
        AttemptDeadlines.Deadline deadline = deadlines.start(() -> {
            if (!readingBody.get()) {
                // while the body is read, the reader checks the deadline itself: disconnect() from here would wait
                // for the stream's lock, which a reader taking bytes one by one hardly ever frees
                connection.disconnect();
            }
        });
        long deadlineAt = deadline.at;
        boolean connected = false;
        try {
            connection.setRequestMethod("POST");
            connection.connect();
            connected = true;
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            if (status < 0) {
                throw new AttemptFailed("io-error"); // not HTTP
            }
            InputStream answer = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (answer != null) {
                readingBody.set(true);
                try (answer) {
                    if (!drained(answer, deadlineAt)) {
                        connection.disconnect(); // not worth keeping
                    }
                } catch (AttemptFailed timedOut) {
                    connection.disconnect();
                    throw timedOut;
                }
            }
            return status;
        } catch (AttemptFailed e) {
            throw e;
        } catch (java.io.IOException e) {
            if (deadline.expired() || (connected && e instanceof SocketTimeoutException)) {
                throw new AttemptFailed("timeout");
            }
            if (!connected && e instanceof SocketTimeoutException) {
                throw new AttemptFailed("connect-timeout");
            }
            if (e instanceof ConnectException) {
                throw new AttemptFailed("connection-refused");
            }
            throw new AttemptFailed("io-error");
        } catch (RuntimeException e) {
            throw new AttemptFailed(deadline.expired() ? "timeout" : "io-error");
        } finally {
            deadline.end();
        }
    }

    /** The URL of a stored webhook URI, parsed once (a {@link java.net.URL} is immutable). */
    private java.net.URL url(java.net.URI uri) throws java.net.MalformedURLException {
        java.net.URL url = urls.get(uri);
        if (url == null) {
            url = uri.toURL();
            if (urls.size() >= MAX_URLS) {
                urls.clear();
            }
            urls.put(uri, url);
        }
        return url;
    }

    /**
     * Reads the answer's body up to {@link #DRAINED} bytes: true when it ended within them. Past {@code deadlineAt}
     * (the total timeout) the attempt is a {@code timeout}, however steadily the bytes trickle in; a single read waits at
     * most the read timeout.
     */
    private static boolean drained(InputStream answer, long deadlineAt) throws java.io.IOException, AttemptFailed {
        byte[] buffer = DRAIN_BUFFER.get();
        int total = 0;
        for (int n; (n = answer.read(buffer)) >= 0; ) {
            total += n;
            if (System.nanoTime() - deadlineAt > 0) {
                throw new AttemptFailed("timeout");
            }
            if (total > DRAINED) {
                return false;
            }
        }
        return true;
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
            recorder.join(5_000); // stores the outcomes of the attempts that ended
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            deadlines.close();
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
