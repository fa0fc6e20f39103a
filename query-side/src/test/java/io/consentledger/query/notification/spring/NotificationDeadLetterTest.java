package io.consentledger.query.notification.spring;

import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.LedgerScript;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.NotificationStore;
import io.consentledger.query.notification.feed.NotificationFeed;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter queue runs the processor's interceptors too ({@code BatchedWrites} included), in a unit of work of
 * its own: the feed must be told that such an event is appended on its own (it then looks it up and marks it), and a
 * processor batch must not be (no marker per entry).
 */
class NotificationDeadLetterTest {

    private final TestStores stores = TestStores.open();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void aDeadLetterIsAppendedOnItsOwnAndAProcessorBatchIsNot() throws Exception {
        List<GenericDomainEventMessage<?>> events = new ArrayList<>();
        LedgerScript script = new LedgerScript(events::add);
        script.link("link-1").standardConsent("c-1", "link-1").authorise("c-1")
              .shareBalance("c-1", "1.00", script.now()).shareBalance("c-1", "2.00", script.now());
        GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder().database(stores.database())
                .eventSerializer(LedgerSerializers.jackson()).snapshotSerializer(LedgerSerializers.jackson()).build();
        events.forEach(engine::appendEvents);
        NotificationFeed feed = new NotificationFeed(stores.database());
        NotificationProcessor processor = new NotificationProcessor(
                new NotificationRecorder(new NotificationStore(stores.database()), feed, Clock.systemUTC()),
                new EventLog(stores.database()));
        AnnotationEventHandlerAdapter handler = new AnnotationEventHandlerAdapter(processor);
        var markers = stores.database().getCollection("notification_feed_events");

        // the processor: a batching unit of work
        EventMessage<?> inBatch = new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(3, Set.of()),
                events.get(3));
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(List.of(inBatch));
        batch.executeWithResult(() -> processor.batchedWrites().handle(batch, () -> handler.handle(inBatch)));
        assertThat(markers.countDocuments()).isZero();

        // the dead-letter queue: a unit of work of its own around the same interceptors
        EventMessage<?> letter = events.get(4);
        UnitOfWork<EventMessage<?>> own = DefaultUnitOfWork.startAndGet(letter);
        own.executeWithResult(() -> processor.batchedWrites().handle(own, () -> handler.handle(letter)));
        assertThat(markers.countDocuments()).isPositive();
    }
}
