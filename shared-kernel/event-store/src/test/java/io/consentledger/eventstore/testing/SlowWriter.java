package io.consentledger.eventstore.testing;

import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import org.axonframework.eventhandling.EventMessage;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A writer that takes its global positions and then pauses before committing, until released: the late commit the
 * event store must never skip. Build its engine with {@link #hook()}.
 */
public final class SlowWriter implements AutoCloseable {

    private final CountDownLatch allocated = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean pauseNext = new AtomicBoolean(false);
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private Future<?> pending;

    public GapAwareMongoEventStorageEngine.CommitHook hook() {
        return (first, last) -> {
            if (pauseNext.getAndSet(false)) {
                allocated.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Starts the append in the background and returns once the writer holds its positions. */
    public void beginAppend(GapAwareMongoEventStorageEngine engine, EventMessage<?>... events)
            throws InterruptedException {
        pauseNext.set(true);
        pending = background.submit(() -> engine.appendEvents(events));
        if (!allocated.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the writer never took its positions");
        }
    }

    /** Lets the writer commit and waits until its append returned. */
    public void finish() throws Exception {
        release.countDown();
        pending.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        release.countDown();
        background.shutdownNow();
    }
}
