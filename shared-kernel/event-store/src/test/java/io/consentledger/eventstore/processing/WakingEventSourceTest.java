package io.consentledger.eventstore.processing;

import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;

import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pooled processor that finds its stream empty asks to be called back when events arrive; without that, it looks
 * again only after 500 ms. The writer and the reader here are separate event stores over one store, as the command
 * side and the query side are.
 */
class WakingEventSourceTest extends StoreTest {

    private EmbeddedEventStore writer;
    private EmbeddedEventStore reader;
    private WakingEventSource source;

    @BeforeEach
    void open() {
        String collection = freshCollection("waking");
        writer = EmbeddedEventStore.builder().storageEngine(engine(collection)).build();
        reader = EmbeddedEventStore.builder().storageEngine(engine(collection)).fetchDelay(20).build();
        source = new WakingEventSource(reader, Duration.ofMillis(20));
    }

    @AfterEach
    void close() {
        writer.shutDown();
        reader.shutDown();
    }

    private static GapAwareMongoEventStorageEngine engine(String collection) {
        return GapAwareMongoEventStorageEngine.builder().database(stores.database()).eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(LedgerSerializers.jackson())
                                              .snapshotSerializer(LedgerSerializers.jackson()).build();
    }

    private void append(String payload, long sequence) {
        writer.publish(new GenericDomainEventMessage<>("Account", "account-1", sequence, payload));
    }

    @Test
    void aStreamItsProcessorFoundEmptyCallsItBackWhenEventsArrive() throws Exception {
        append("first", 0);
        TrackingEventStream stream = source.openStream(null);
        CountDownLatch calledBack = new CountDownLatch(1);
        AtomicInteger callbacks = new AtomicInteger();
        assertThat(stream.setOnAvailableCallback(() -> {
            callbacks.incrementAndGet();
            calledBack.countDown();
        })).as("callbacks supported").isTrue();

        assertThat(stream.hasNextAvailable(5, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.nextAvailable().getPayload()).isEqualTo("first");
        assertThat(stream.hasNextAvailable()).as("drained: the processor now waits").isFalse();
        assertThat(callbacks).as("nothing arrived yet").hasValue(0);

        append("second", 1);

        assertThat(calledBack.await(10, TimeUnit.SECONDS)).as("called back").isTrue();
        assertThat(stream.hasNextAvailable()).isTrue();
        TrackedEventMessage<?> next = stream.nextAvailable();
        assertThat(next.getPayload()).isEqualTo("second");
        stream.close();
    }

    @Test
    void aClosedStreamStopsWatching() throws Exception {
        WakingEventSource.WakingStream stream = (WakingEventSource.WakingStream) source.openStream(null);
        stream.setOnAvailableCallback(() -> { });
        assertThat(stream.hasNextAvailable()).isFalse();
        assertThat(stream.watching()).isTrue();

        stream.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !stream.watching());
    }

    @Test
    void aStreamNobodyAsksToCallBackStartsNoWatcher() throws Exception {
        WakingEventSource.WakingStream stream = (WakingEventSource.WakingStream) source.openStream(null);
        assertThat(stream.hasNextAvailable()).isFalse();
        assertThat(stream.watching()).isFalse();
        stream.close();
    }

    @Test
    void aLingeringStreamHoldsALoneEventBackForItsLingerThenReleasesIt() throws Exception {
        // long enough that seeing the event arrive (below) cannot take it on a loaded machine
        WakingEventSource lingering = new WakingEventSource(reader, Duration.ofMillis(20), Duration.ofSeconds(3), 3);
        TrackingEventStream stream = lingering.openStream(null);
        CountDownLatch calledBack = new CountDownLatch(1);
        stream.setOnAvailableCallback(calledBack::countDown);
        assertThat(stream.hasNextAvailable()).isFalse();

        long appended = System.nanoTime();
        append("first", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (TrackingEventStream probe = reader.openStream(null)) {
                return probe.hasNextAvailable();
            }
        });

        assertThat(stream.hasNextAvailable()).as("held back: it lingers for company").isFalse();
        assertThat(calledBack.await(10, TimeUnit.SECONDS)).as("called back once the linger has passed").isTrue();
        assertThat(System.nanoTime() - appended).as("not before the linger").isGreaterThanOrEqualTo(
                TimeUnit.SECONDS.toNanos(3));
        assertThat(stream.hasNextAvailable()).isTrue();
        assertThat(stream.nextAvailable().getPayload()).isEqualTo("first");
        assertThat(stream.hasNextAvailable()).isFalse();
        stream.close();
    }

    @Test
    void aLingeringStreamReleasesAtOnceWhenABatchIsWaiting() throws Exception {
        WakingEventSource lingering = new WakingEventSource(reader, Duration.ofMillis(20), Duration.ofSeconds(30), 3);
        append("first", 0);
        append("second", 1);
        append("third", 2);
        append("fourth", 3);
        TrackingEventStream stream = lingering.openStream(null);

        assertThat(stream.hasNextAvailable(5, TimeUnit.SECONDS)).as("three wait: a batch, released at once").isTrue();
        List<Object> read = new ArrayList<>();
        while (stream.hasNextAvailable()) {
            read.add(stream.nextAvailable().getPayload());
        }
        assertThat(read).as("in order, the fourth with the released ones").containsExactly("first", "second",
                "third", "fourth");
        stream.close();
    }

    @Test
    void aLingeringStreamDoesNotHoldUpAProcessorThatIsBehind() throws Exception {
        WakingEventSource lingering = new WakingEventSource(reader, Duration.ofMillis(20), Duration.ofSeconds(30), 3);
        for (int i = 0; i < 10; i++) {
            append("event-" + i, i);
        }
        TrackingEventStream stream = lingering.openStream(null);
        List<Object> read = new ArrayList<>();
        long start = System.nanoTime();
        while (read.size() < 9 && stream.hasNextAvailable(5, TimeUnit.SECONDS)) {
            read.add(stream.nextAvailable().getPayload());
        }
        assertThat(read).hasSize(9).startsWith("event-0").endsWith("event-8");
        assertThat(System.nanoTime() - start).as("no linger while whole batches wait")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
        stream.close();
    }

    /** Without a linger a stream waits as long as it is asked to (a wait above 2.1 s was once cut short). */
    @Test
    void aStreamWithoutLingerWaitsTheWholeTimeoutForAnEvent() throws Exception {
        TrackingEventStream stream = source.openStream(null);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(2_600);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            append("late", 0);
        });
        late.start();

        assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).as("the event arrived within the wait").isTrue();
        assertThat(stream.nextAvailable().getPayload()).isEqualTo("late");
        late.join();
        stream.close();
    }
}
