package io.consentledger.query.notification.feed;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.NotificationStore;
import io.consentledger.query.notification.Subscriber;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationFeedTest {

    private static final Subscriber MESSENGER = Subscriber.recipient("messenger");
    private static final Subscriber BANK = Subscriber.provider("bank-1");

    private TestStores stores;
    private NotificationFeed feed;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        feed = new NotificationFeed(stores.database());
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void pagesInAppendOrderWithACursorThatResumesExactlyAfterTheLastEntry() {
        for (int i = 1; i <= 5; i++) {
            feed.append(MESSENGER, "ev-" + i, "{\"n\":" + i + "}");
        }

        FeedPage first = feed.page(MESSENGER, null, 2);
        FeedPage second = feed.page(MESSENGER, first.nextCursor(), 2);
        FeedPage third = feed.page(MESSENGER, second.nextCursor(), 2);
        FeedPage empty = feed.page(MESSENGER, third.nextCursor(), 2);

        assertThat(first.entries()).extracting(FeedEntry::eventId).containsExactly("ev-1", "ev-2");
        assertThat(second.entries()).extracting(FeedEntry::eventId).containsExactly("ev-3", "ev-4");
        assertThat(third.entries()).extracting(FeedEntry::eventId).containsExactly("ev-5");
        assertThat(empty.entries()).isEmpty();
        assertThat(empty.nextCursor()).isEqualTo(third.nextCursor());

        feed.append(MESSENGER, "ev-6", "{}");
        assertThat(feed.page(MESSENGER, empty.nextCursor(), 2).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-6");
    }

    @Test
    void aCommitThatLandsLateAtALowerPositionIsNotMissedByAReaderThatPagedPastIt() {
        // the processor sees positions 5 and 7 first; 6 was a gap and is delivered afterwards
        feed.append(MESSENGER, "ev-at-5", "{\"position\":5}");
        feed.append(MESSENGER, "ev-at-7", "{\"position\":7}");
        FeedPage read = feed.page(MESSENGER, null, 10);
        assertThat(read.entries()).hasSize(2);

        feed.append(MESSENGER, "ev-at-6", "{\"position\":6}");

        assertThat(feed.page(MESSENGER, read.nextCursor(), 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-at-6");
    }

    @Test
    void anEventAppendedAgainKeepsItsNumber() {
        long first = feed.append(MESSENGER, "ev-1", "{}");
        feed.append(MESSENGER, "ev-2", "{}");

        assertThat(feed.append(MESSENGER, "ev-1", "{}")).isEqualTo(first);
        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2");
    }

    @Test
    void aCrashAfterTheInsertIsRepairedWhenTheEventIsAppendedAgain() {
        feed.append(MESSENGER, "ev-1", "{}");
        // the entry of ev-2 was stored, but neither its marker nor the head
        stores.database().getCollection("notification_feed")
                .insertOne(new Document("_id", MESSENGER.key() + "/2").append("eventId", "ev-2").append("body", "{}"));
        assertThat(feed.page(MESSENGER, null, 10).entries()).hasSize(1);

        assertThat(feed.append(MESSENGER, "ev-2", "{}")).isEqualTo(2);
        assertThat(feed.append(MESSENGER, "ev-3", "{}")).isEqualTo(3);
        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3");
    }

    @Test
    void eachSubscriberHasItsOwnFeed() {
        feed.append(MESSENGER, "ev-1", "{}");
        feed.append(BANK, "ev-1", "{}");
        feed.append(BANK, "ev-2", "{}");

        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::seq).containsExactly(1L);
        assertThat(feed.page(BANK, null, 10).entries()).extracting(FeedEntry::seq).containsExactly(1L, 2L);
    }

    @Test
    void theRecorderPutsEveryNotificationInTheFeedOfEachOfItsAudienceWithOrWithoutWebhooks() {
        var recorder = new NotificationRecorder(new NotificationStore(stores.database()), feed, Clock.systemUTC());
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.parse("2026-12-01T10:00:00Z"));
        var unlinked = new BankAccountUnlinked("l-1", "cust-9", "bank-1", Initiator.CUSTOMER,
                Instant.parse("2026-12-01T10:00:01Z"));

        recorder.record(revoked, "ev-1", 10);
        recorder.record(unlinked, "ev-2", 11);
        recorder.record(revoked, "ev-1", 10);

        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId).containsExactly("ev-1");
        assertThat(feed.page(BANK, null, 10).entries()).extracting(FeedEntry::eventId).containsExactly("ev-1", "ev-2");
        assertThat(feed.page(BANK, null, 10).entries().get(1).body())
                .startsWith("{\"type\":\"link.unlinked\",\"eventId\":\"ev-2\",\"position\":11");
    }

    @Test
    void aCursorTheFeedDidNotIssueIsRefused() {
        for (String bad : List.of("garbage!", "bjotMQ", NotificationFeed.encode(3).substring(1), "eDo1")) {
            assertThatThrownBy(() -> feed.page(MESSENGER, bad, 10)).as(bad).isInstanceOf(InvalidFeedCursor.class);
        }
    }

    @Test
    void aReaderPagingWhileTheWriterAppendsSeesEveryEntryOnceInOrder() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 300; i++) {
                feed.append(MESSENGER, "ev-" + i, "{}");
            }
            done.set(true);
        });
        writer.start();
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        while (true) {
            boolean finished = done.get();
            FeedPage page = feed.page(MESSENGER, cursor, 7);
            page.entries().forEach(e -> seen.add(e.seq()));
            cursor = page.nextCursor();
            if (finished && page.entries().isEmpty()) {
                break;
            }
        }
        writer.join();

        assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
    }

    @Test
    void aBatchNumbersEachSubscribersEntriesInTheOrderGivenAndOnlyOnce() {
        List<Long> numbers = feed.appendAll(List.of(
                new NotificationFeed.Append(MESSENGER, "ev-1", "{}"), new NotificationFeed.Append(BANK, "ev-1", "{}"),
                new NotificationFeed.Append(BANK, "ev-2", "{}"), new NotificationFeed.Append(MESSENGER, "ev-3", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-1", "{}")));

        assertThat(numbers).containsExactly(1L, 1L, 2L, 2L, 1L);
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-3", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-4", "{}")))).containsExactly(2L, 3L);
        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-3", "ev-4");
    }

    @Test
    void aBatchThatFailedAfterItsInsertKeepsItsNumbersWhenHandledAgain() {
        feed.append(MESSENGER, "ev-1", "{}");
        // the batch stored its entries, then failed before its markers and the head: readers see only ev-1
        stores.database().getCollection("notification_feed").insertMany(List.of(
                new org.bson.Document("_id", "RECIPIENT:messenger/2").append("eventId", "ev-2").append("body", "{}"),
                new org.bson.Document("_id", "RECIPIENT:messenger/3").append("eventId", "ev-3").append("body", "{}")));
        assertThat(feed.page(MESSENGER, null, 10).entries()).hasSize(1);

        List<Long> numbers = feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-2", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-3", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-4", "{}")));

        assertThat(numbers).containsExactly(2L, 3L, 4L);
        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3", "ev-4");
    }

    @Test
    void aBatchThatFailedAfterItsMarkersMovesTheHeadWhenHandledAgain() {
        feed.append(MESSENGER, "ev-1", "{}");
        // entries and markers stored, the head not moved
        stores.database().getCollection("notification_feed").insertOne(
                new org.bson.Document("_id", "RECIPIENT:messenger/2").append("eventId", "ev-2").append("body", "{}"));
        stores.database().getCollection("notification_feed_events").insertOne(
                new org.bson.Document("_id", "RECIPIENT:messenger/ev-2").append("seq", 2L));

        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-2", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-3", "{}")))).containsExactly(2L, 3L);

        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3");
    }

    @Test
    void anEntryFoundByItsMarkerKeepsItsNumberWhateverTheShapeOfTheBatchHandledAgain() {
        feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-1", "{}"))); // a processor's batch
        // a batch stored the entries of ev-2 and ev-3 (each with its marker), then failed before the head moved
        stores.database().getCollection("notification_feed").insertMany(List.of(
                new org.bson.Document("_id", "RECIPIENT:messenger/2").append("eventId", "ev-2").append("body", "{}")
                        .append("marker", "RECIPIENT:messenger/ev-2"),
                new org.bson.Document("_id", "RECIPIENT:messenger/3").append("eventId", "ev-3").append("body", "{}")
                        .append("marker", "RECIPIENT:messenger/ev-3")));

        // handled again without ev-2 (dead-lettered, say), which comes later on its own
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-3", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-4", "{}")))).containsExactly(3L, 4L);
        assertThat(feed.append(MESSENGER, "ev-2", "{}")).isEqualTo(2);

        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3", "ev-4");
        assertThat(stores.database().getCollection("notification_feed_events").countDocuments()).isZero();
    }

    @Test
    void markersWrittenBeforeTheyMovedIntoTheEntriesAreStillHonoured() {
        // a feed as the earlier version left it: entries without a marker, markers in their own collection
        var database = stores.database();
        database.getCollection("notification_feed").insertMany(List.of(
                new org.bson.Document("_id", "RECIPIENT:messenger/1").append("eventId", "ev-1").append("body", "{}"),
                new org.bson.Document("_id", "RECIPIENT:messenger/2").append("eventId", "ev-2").append("body", "{}")));
        database.getCollection("notification_feed_events").insertMany(List.of(
                new org.bson.Document("_id", "RECIPIENT:messenger/ev-1").append("seq", 1L),
                new org.bson.Document("_id", "RECIPIENT:messenger/ev-2").append("seq", 2L)));
        database.getCollection("notification_feed_heads").insertOne(
                new org.bson.Document("_id", "RECIPIENT:messenger").append("last", 2L));
        NotificationFeed upgraded = new NotificationFeed(database);

        assertThat(upgraded.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-1", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-3", "{}")))).containsExactly(1L, 3L);

        assertThat(upgraded.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3");
    }

    @Test
    void anEventForBothPartiesIsInEachPartysPageAndEachPartyPagesItUnderItsOwnNumber() {
        feed.append(BANK, "ev-0", "{\"n\":0}"); // the bank's feed is one ahead
        List<Long> numbers = feed.appendAll(List.of(
                new NotificationFeed.Append(BANK, "ev-1", "{\"n\":1}"),
                new NotificationFeed.Append(MESSENGER, "ev-1", "{\"n\":1}"),
                new NotificationFeed.Append(BANK, "ev-2", "{\"n\":2}"),
                new NotificationFeed.Append(MESSENGER, "ev-2", "{\"n\":2}"),
                new NotificationFeed.Append(BANK, "ev-3", "{\"n\":3}")));

        assertThat(numbers).containsExactly(2L, 1L, 3L, 2L, 4L);
        // since p10 one page per append call and subscriber: the bank's ev-0, its ev-1..3, the messenger's ev-1..2
        assertThat(stores.database().getCollection("notification_feed").countDocuments()).isEqualTo(3);
        FeedPage messenger = feed.page(MESSENGER, null, 1);
        assertThat(messenger.entries()).extracting(FeedEntry::seq, FeedEntry::eventId, FeedEntry::body)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "ev-1", "{\"n\":1}"));
        assertThat(feed.page(MESSENGER, messenger.nextCursor(), 10).entries()).extracting(FeedEntry::seq,
                FeedEntry::eventId).containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "ev-2"));
        assertThat(feed.page(BANK, null, 10).entries()).extracting(FeedEntry::seq, FeedEntry::eventId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "ev-0"),
                        org.assertj.core.groups.Tuple.tuple(2L, "ev-1"), org.assertj.core.groups.Tuple.tuple(3L, "ev-2"),
                        org.assertj.core.groups.Tuple.tuple(4L, "ev-3"));
        // handled again (a restart, a replay): both parties keep their numbers, nothing is added
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(BANK, "ev-2", "{\"n\":2}"),
                new NotificationFeed.Append(MESSENGER, "ev-2", "{\"n\":2}")))).containsExactly(3L, 2L);
        assertThat(feed.append(MESSENGER, "ev-1", "{\"n\":1}")).isEqualTo(1);
        assertThat(stores.database().getCollection("notification_feed").countDocuments()).isEqualTo(3);
    }

    @Test
    void aSharedDocumentStoredBeforeItsHeadsMovedKeepsBothNumbersWhenHandledAgain() {
        feed.appendAll(List.of(new NotificationFeed.Append(BANK, "ev-1", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-1", "{}")));
        // a batch stored the shared entry of ev-2, then failed before the heads moved
        stores.database().getCollection("notification_feed").insertOne(new Document("_id", BANK.key() + "/2")
                .append("eventId", "ev-2").append("body", "{}").append("marker", BANK.key() + "/ev-2")
                .append("also", MESSENGER.key() + "/2").append("marker2", MESSENGER.key() + "/ev-2"));
        assertThat(feed.page(MESSENGER, null, 10).entries()).hasSize(1);

        // handled again in another shape: the messenger's entry is found by its marker, the number by its "also"
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-2", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-3", "{}"),
                new NotificationFeed.Append(BANK, "ev-2", "{}")))).containsExactly(2L, 3L, 2L);

        assertThat(feed.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-1", "ev-2", "ev-3");
        assertThat(feed.page(BANK, null, 10).entries()).extracting(FeedEntry::eventId).containsExactly("ev-1", "ev-2");
    }

    @Test
    void aNumberHeldAsTheSecondSubscribersEntryOfAnotherEventIsSteppedOver() {
        feed.append(MESSENGER, "ev-1", "{}");
        // a failed batch, not handled again in its shape, left the messenger's number 2 in a shared document
        stores.database().getCollection("notification_feed").insertOne(new Document("_id", BANK.key() + "/1")
                .append("eventId", "ev-x").append("body", "{}").append("marker", BANK.key() + "/ev-x")
                .append("also", MESSENGER.key() + "/2").append("marker2", MESSENGER.key() + "/ev-x"));

        assertThat(feed.append(MESSENGER, "ev-3", "{}")).isEqualTo(3);
    }

    @Test
    void aFeedWrittenOneDocumentPerSubscriberBeforeP8ReadsOnWithTheSharedDocuments() {
        var database = stores.database();
        // as the code before p8 wrote an event for both parties: two documents
        database.getCollection("notification_feed").insertMany(List.of(
                new Document("_id", BANK.key() + "/1").append("eventId", "ev-1").append("body", "{}")
                        .append("marker", BANK.key() + "/ev-1"),
                new Document("_id", MESSENGER.key() + "/1").append("eventId", "ev-1").append("body", "{}")
                        .append("marker", MESSENGER.key() + "/ev-1")));
        database.getCollection("notification_feed_heads").insertMany(List.of(
                new Document("_id", BANK.key()).append("last", 1L), new Document("_id", MESSENGER.key()).append("last", 1L)));
        NotificationFeed upgraded = new NotificationFeed(database);

        assertThat(upgraded.appendAll(List.of(new NotificationFeed.Append(BANK, "ev-1", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-1", "{}"), new NotificationFeed.Append(BANK, "ev-2", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-2", "{}")))).containsExactly(1L, 1L, 2L, 2L);

        // the two entries before, and since p10 a page per subscriber
        assertThat(database.getCollection("notification_feed").countDocuments()).isEqualTo(4);
        assertThat(upgraded.page(MESSENGER, null, 10).entries()).extracting(FeedEntry::seq, FeedEntry::eventId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "ev-1"), org.assertj.core.groups.Tuple.tuple(2L, "ev-2"));
        assertThat(upgraded.page(BANK, null, 10).entries()).extracting(FeedEntry::seq, FeedEntry::eventId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "ev-1"), org.assertj.core.groups.Tuple.tuple(2L, "ev-2"));
    }
}
