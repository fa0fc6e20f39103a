package io.consentledger.query.log;

import jakarta.annotation.PreDestroy;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Who builds the tree: the instance whose {@value #GROUP} processor holds its one segment (a token claim, so one
 * owner at a time across instances; another instance claims it when the owner stops or stops renewing it). Each
 * event delivered to the owner wakes a catch-up on the builder's own thread; so does a periodic tick on the owner,
 * because a sealed gap delivers no event and a checkpoint may fall due while the log is idle. A catch-up stops between
 * batches when the claim is lost.
 */
@ProcessingGroup(TreeOwnership.GROUP)
public class TreeOwnership {

    public static final String GROUP = "verifiable-log";

    private static final Logger logger = LoggerFactory.getLogger(TreeOwnership.class);

    private final TreeBuilder builder;
    private final EventProcessingConfiguration processing;
    private final long pollMillis;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "verifiable-log-tick");
        thread.setDaemon(true);
        return thread;
    });
    private final java.util.concurrent.atomic.AtomicBoolean wakeQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String lastFailure;

    public TreeOwnership(TreeBuilder builder, EventProcessingConfiguration processing, long pollMillis) {
        this.builder = builder;
        this.processing = processing;
        this.pollMillis = pollMillis;
    }

    /** Wakes the builder's thread, so the processor's token moves on while the tree is built. */
    @EventHandler
    void on(Object event, TrackingToken token) {
        long position = token == null ? -1 : token.position().orElse(-1);
        if (!builder.covers(position) && wakeQueued.compareAndSet(false, true)) {
            try {
                ticker.execute(() -> {
                    wakeQueued.set(false);
                    tick();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                wakeQueued.set(false);
            }
        }
    }

    /** Whether this instance holds the tree's segment now. */
    public boolean owns() {
        return processing.eventProcessor(GROUP, StreamingEventProcessor.class)
                         .map(p -> p.isRunning() && p.processingStatus().containsKey(0))
                         .orElse(false);
    }

    /**
     * Ticks only once the application is ready: {@link #owns()} asks Axon's configuration, which must not be
     * initialised from this thread while the context is still being built.
     */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        ticker.scheduleWithFixedDelay(this::tick, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
    }

    void tick() {
        try {
            if (owns()) {
                builder.catchUp(this::owns);
            }
            lastFailure = null;
        } catch (RuntimeException e) {
            String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!failure.equals(lastFailure)) { // once per kind of failure, not five times a second
                logger.warn("Building the verifiable log failed, retrying: {}", failure);
                lastFailure = failure;
            }
        }
    }
}
