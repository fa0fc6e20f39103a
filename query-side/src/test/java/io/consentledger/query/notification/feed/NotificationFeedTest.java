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

    // p10: pages

    private static List<NotificationFeed.Append> batch(Subscriber subscriber, int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to)
                .mapToObj(i -> new NotificationFeed.Append(subscriber, "ev-" + i, "{\"n\":" + i + "}")).toList();
    }

    private List<FeedEntry> all(Subscriber subscriber, int limit) {
        List<FeedEntry> entries = new ArrayList<>();
        String cursor = null;
        while (true) {
            FeedPage page = feed.page(subscriber, cursor, limit);
            if (page.entries().isEmpty()) {
                return entries;
            }
            entries.addAll(page.entries());
            cursor = page.nextCursor();
        }
    }

    private void assertFeed(Subscriber subscriber, int count) {
        for (int limit : new int[]{1, 7, 63, 64, 65, 500}) {
            assertThat(all(subscriber, limit)).as("limit " + limit).extracting(FeedEntry::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
        }
    }

    private Document headOf(Subscriber subscriber) {
        return stores.database().getCollection("notification_feed_heads").find(new Document("_id", subscriber.key()))
                .first();
    }

    private void restoreHead(Subscriber subscriber, Document head) {
        var heads = stores.database().getCollection("notification_feed_heads");
        heads.deleteOne(new Document("_id", subscriber.key()));
        if (head != null) {
            heads.insertOne(head);
        }
    }

    @Test
    void aBatchIsOnePagePerSubscriberAndAPageNeverHoldsMoreThanSixtyFourEntries() {
        feed.appendAll(batch(MESSENGER, 1, 150));
        feed.appendAll(batch(MESSENGER, 151, 151));
        feed.appendAll(batch(MESSENGER, 152, 216));

        var pages = stores.database().getCollection("notification_feed");
        assertThat(pages.find().map(d -> d.getString("_id")).into(new ArrayList<>())).containsExactlyInAnyOrder(
                MESSENGER.key() + "/1", MESSENGER.key() + "/65", MESSENGER.key() + "/129", MESSENGER.key() + "/151",
                MESSENGER.key() + "/152", MESSENGER.key() + "/216");
        assertThat(stores.database().getCollection("notification_feed_events").countDocuments()).isZero();
        assertFeed(MESSENGER, 216);
        assertThat(feed.page(MESSENGER, NotificationFeed.encode(100), 3).entries())
                .extracting(FeedEntry::seq, FeedEntry::eventId, FeedEntry::body)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(101L, "ev-101", "{\"n\":101}"),
                        org.assertj.core.groups.Tuple.tuple(102L, "ev-102", "{\"n\":102}"),
                        org.assertj.core.groups.Tuple.tuple(103L, "ev-103", "{\"n\":103}"));
    }

    @Test
    void aLimitOutsideOneToFiveHundredIsBroughtInside() {
        feed.appendAll(batch(MESSENGER, 1, 620));

        assertThat(feed.page(MESSENGER, null, 0).entries()).extracting(FeedEntry::seq).containsExactly(1L);
        assertThat(feed.page(MESSENGER, null, -5).entries()).hasSize(1);
        FeedPage most = feed.page(MESSENGER, null, 10_000);
        assertThat(most.entries()).hasSize(NotificationFeed.MAX_LIMIT);
        assertThat(feed.page(MESSENGER, most.nextCursor(), 10_000).entries()).extracting(FeedEntry::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(501, 620).boxed().toList());
    }

    @Test
    void aCrashAfterThePagesBeforeTheHeadsIsHandledAgainWhateverTheShapeOfTheBatch() {
        feed.appendAll(batch(MESSENGER, 1, 3));
        Document before = headOf(MESSENGER);
        feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-4", "{}"),
                new NotificationFeed.Append(BANK, "ev-4", "{}"), new NotificationFeed.Append(MESSENGER, "ev-5", "{}")));
        restoreHead(MESSENGER, before); // the pages are stored, the heads never moved
        restoreHead(BANK, null);
        assertThat(feed.page(MESSENGER, null, 10).entries()).hasSize(3);
        assertThat(feed.page(BANK, null, 10).entries()).isEmpty();

        // handled again without ev-4 (dead-lettered this time) and with ev-6 that arrived meanwhile
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-5", "{}"),
                new NotificationFeed.Append(MESSENGER, "ev-6", "{}")))).containsExactly(5L, 6L);
        // later batches, then the dead letter on its own, much later
        for (int i = 7; i < 300; i += 10) {
            feed.appendAll(batch(MESSENGER, i, i + 9));
            feed.appendAll(batch(BANK, i, i + 9));
        }
        assertThat(feed.appendAll(List.of(new NotificationFeed.Append(MESSENGER, "ev-4", "{}"),
                new NotificationFeed.Append(BANK, "ev-4", "{}")), true)).containsExactly(4L, 1L);

        assertThat(all(MESSENGER, 50)).extracting(FeedEntry::eventId).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 306).mapToObj(i -> "ev-" + i).toList());
        assertThat(all(BANK, 50)).extracting(FeedEntry::eventId).first().isEqualTo("ev-4");
        assertThat(all(BANK, 50)).hasSize(301);
    }

    @Test
    void aCrashAfterTheHeadsBeforeTheTokenKeepsEveryNumberHoweverOftenTheBatchIsHandledAgain() {
        feed.appendAll(batch(MESSENGER, 1, 5));
        List<NotificationFeed.Append> batch = new ArrayList<>(batch(MESSENGER, 6, 10));
        batch.add(new NotificationFeed.Append(BANK, "ev-10", "{}"));
        assertThat(feed.appendAll(batch)).containsExactly(6L, 7L, 8L, 9L, 10L, 1L);
        long pages = stores.database().getCollection("notification_feed").countDocuments();

        // the same batch again (the token never moved), then grown by events that arrived meanwhile, then again
        assertThat(feed.appendAll(batch)).containsExactly(6L, 7L, 8L, 9L, 10L, 1L);
        assertThat(stores.database().getCollection("notification_feed").countDocuments()).isEqualTo(pages);
        List<NotificationFeed.Append> grown = new ArrayList<>(batch);
        grown.addAll(batch(MESSENGER, 11, 12));
        assertThat(feed.appendAll(grown)).containsExactly(6L, 7L, 8L, 9L, 10L, 1L, 11L, 12L);
        grown.addAll(batch(MESSENGER, 13, 13));
        assertThat(feed.appendAll(grown)).containsExactly(6L, 7L, 8L, 9L, 10L, 1L, 11L, 12L, 13L);
        // and once without ev-7 (dead-lettered); the dead letter comes on its own after later batches
        List<NotificationFeed.Append> shrunk = new ArrayList<>(grown);
        shrunk.remove(1);
        shrunk.addAll(batch(MESSENGER, 14, 14));
        assertThat(feed.appendAll(shrunk)).containsExactly(6L, 8L, 9L, 10L, 1L, 11L, 12L, 13L, 14L);
        for (int i = 15; i < 200; i += 5) {
            feed.appendAll(batch(MESSENGER, i, i + 4));
        }
        assertThat(feed.appendAll(batch(MESSENGER, 7, 7), true)).containsExactly(7L);

        assertThat(all(MESSENGER, 30)).extracting(FeedEntry::eventId).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 199).mapToObj(i -> "ev-" + i).toList());
        assertThat(all(BANK, 30)).extracting(FeedEntry::eventId).containsExactly("ev-10");
    }

    @Test
    void aDeadLetterAppendedOnItsOwnThatFailedAfterwardsKeepsItsNumberWhenHandledAgainMuchLater() {
        feed.appendAll(batch(MESSENGER, 1, 3));
        assertThat(feed.appendAll(batch(MESSENGER, 99, 99), true)).containsExactly(4L);
        for (int i = 4; i < 100; i += 5) {
            feed.appendAll(batch(MESSENGER, i, Math.min(98, i + 4)));
        }

        assertThat(feed.appendAll(batch(MESSENGER, 99, 99), true)).containsExactly(4L);
        assertThat(all(MESSENGER, 500)).hasSize(99);
        assertThat(stores.database().getCollection("notification_feed_events").countDocuments()).isEqualTo(1);
    }

    @Test
    void aFeedOfEntriesWrittenBeforeP10PagesOnIntoPagesAndKeepsTheirNumbers() {
        var database = stores.database();
        // as p8 left it: the bank's and the messenger's ev-1..ev-3 shared (the bank's number first), then the
        // bank's ev-4 on its own, and the messenger's ev-0 before them all
        var entries = database.getCollection("notification_feed");
        entries.insertOne(new Document("_id", MESSENGER.key() + "/1").append("eventId", "ev-0").append("body", "{}")
                .append("marker", MESSENGER.key() + "/ev-0"));
        for (int i = 1; i <= 3; i++) {
            entries.insertOne(new Document("_id", BANK.key() + "/" + i).append("eventId", "ev-" + i)
                    .append("body", "{\"n\":" + i + "}").append("marker", BANK.key() + "/ev-" + i)
                    .append("also", MESSENGER.key() + "/" + (i + 1)).append("marker2", MESSENGER.key() + "/ev-" + i));
        }
        entries.insertOne(new Document("_id", BANK.key() + "/4").append("eventId", "ev-4").append("body", "{}")
                .append("marker", BANK.key() + "/ev-4"));
        database.getCollection("notification_feed_heads").insertMany(List.of(
                new Document("_id", BANK.key()).append("last", 4L), new Document("_id", MESSENGER.key()).append("last", 4L)));
        feed = new NotificationFeed(database);

        // a batch the old version had appended, handled again after the upgrade, grown by new events
        List<NotificationFeed.Append> again = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            again.add(new NotificationFeed.Append(BANK, "ev-" + i, "{}"));
            again.add(new NotificationFeed.Append(MESSENGER, "ev-" + i, "{}"));
        }
        again.add(new NotificationFeed.Append(BANK, "ev-4", "{}"));
        again.addAll(batch(MESSENGER, 5, 80));
        again.addAll(batch(BANK, 5, 80));
        List<Long> numbers = feed.appendAll(again);
        assertThat(numbers.subList(0, 7)).containsExactly(1L, 2L, 2L, 3L, 3L, 4L, 4L);
        // and once more (the token did not move): nothing is added
        assertThat(feed.appendAll(again)).isEqualTo(numbers);

        assertThat(all(MESSENGER, 1)).extracting(FeedEntry::eventId).containsExactlyElementsOf(java.util.stream.Stream
                .concat(java.util.stream.Stream.of("ev-0", "ev-1", "ev-2", "ev-3"),
                        java.util.stream.IntStream.rangeClosed(5, 80).mapToObj(i -> "ev-" + i)).toList());
        assertFeed(MESSENGER, 80);
        assertFeed(BANK, 80);
        assertThat(feed.page(BANK, NotificationFeed.encode(2), 3).entries()).extracting(FeedEntry::eventId)
                .containsExactly("ev-3", "ev-4", "ev-5");
    }

    @Test
    void aReaderPagingWhileTheWriterAppendsBatchesSeesEveryEntryOnceInOrder() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 1000; i += 37) {
                feed.appendAll(batch(MESSENGER, i, Math.min(1000, i + 36)));
            }
            done.set(true);
        });
        writer.start();
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int limit = 1;
        while (true) {
            boolean finished = done.get();
            FeedPage page = feed.page(MESSENGER, cursor, limit = limit % 70 + 3);
            page.entries().forEach(e -> seen.add(e.seq()));
            cursor = page.nextCursor();
            if (finished && page.entries().isEmpty()) {
                break;
            }
        }
        writer.join();

        assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
    }
}
