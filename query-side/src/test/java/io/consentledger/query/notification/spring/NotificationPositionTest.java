package io.consentledger.query.notification.spring;

import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.NotificationStore;
import io.consentledger.query.notification.feed.FeedEntry;
import io.consentledger.query.notification.feed.NotificationFeed;
import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.LedgerScript;
import io.consentledger.eventstore.testing.TestStores;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A notification names its event's global position. For an event that fills a gap (a commit that landed late) the
 * tracking token's index is not that position: it stays where the later events took it. The position is read from
 * the log.
 */
class NotificationPositionTest {

    private final TestStores stores = TestStores.open();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void aLateEventIsNotifiedAtItsOwnPosition() throws Exception {
        List<GenericDomainEventMessage<?>> events = new ArrayList<>();
        LedgerScript script = new LedgerScript(events::add);
        Instant asOf = script.now();
        script.link("link-1").standardConsent("c-1", "link-1").authorise("c-1")
              .shareBalance("c-1", "1.00", asOf)  // position 4, committed last
              .shareBalance("c-1", "2.00", asOf); // position 5, read first
        GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder().database(stores.database())
                .eventSerializer(LedgerSerializers.jackson()).snapshotSerializer(LedgerSerializers.jackson()).build();
        events.forEach(engine::appendEvents);
        NotificationFeed feed = new NotificationFeed(stores.database());
        NotificationProcessor processor = new NotificationProcessor(
                new NotificationRecorder(new NotificationStore(stores.database()), feed, Clock.systemUTC()),
                new EventLog(stores.database()));
        AnnotationEventHandlerAdapter handler = new AnnotationEventHandlerAdapter(processor);

        List<TrackedEventMessage<?>> delivered = List.of(
                tracked(events.get(0), 1, Set.of()), tracked(events.get(1), 2, Set.of()),
                tracked(events.get(2), 3, Set.of()), tracked(events.get(4), 5, Set.of(4L)),
                tracked(events.get(3), 5, Set.of()));
        for (TrackedEventMessage<?> event : delivered) {
            handler.handle(event);
        }

        Map<String, Long> positions = new LinkedHashMap<>();
        for (FeedEntry entry : feed.page(Subscriber.recipient(LedgerScript.RECIPIENT), null, 100).entries()) {
            positions.put(entry.eventId(), Document.parse(entry.body()).get("position", Number.class).longValue());
        }
        assertThat(positions).containsEntry(events.get(3).getIdentifier(), 4L)
                             .containsEntry(events.get(4).getIdentifier(), 5L);
    }

    private static TrackedEventMessage<?> tracked(GenericDomainEventMessage<?> event, long index, Set<Long> gaps) {
        return new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(index, gaps), event);
    }
}
