package io.consentledger.query.notification.delivery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher's in-memory queue: lanes, due times, the per-webhook limit, without threads or a store. */
class DispatchQueueTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static PendingDelivery d(String id, String webhook, String lane, long position, Instant due) {
        return new PendingDelivery(id, webhook, lane, position, due);
    }

    private static List<String> ids(List<PendingDelivery> deliveries) {
        return deliveries.stream().map(PendingDelivery::deliveryId).toList();
    }

    @Test
    void onlyTheFirstOfALaneIsTakenAndTheNextOnlyAfterItEnded() {
        DispatchQueue queue = new DispatchQueue(4);
        queue.add(d("b", "wh", "consent:c-1", 11, T0));
        queue.add(d("a", "wh", "consent:c-1", 10, T0));
        queue.add(d("x", "wh", "consent:c-2", 12, T0));

        assertThat(ids(queue.takeDue(T0))).containsExactly("a", "x"); // two lanes, two in flight at once
        assertThat(queue.takeDue(T0)).isEmpty(); // b waits for a
        queue.retryAt(d("a", "wh", "consent:c-1", 10, T0), T0.plusSeconds(5));
        assertThat(queue.takeDue(T0.plusSeconds(4))).isEmpty(); // a failed and is due later: b still waits
        assertThat(ids(queue.takeDue(T0.plusSeconds(5)))).containsExactly("a");
        queue.finished(d("a", "wh", "consent:c-1", 10, T0));
        assertThat(ids(queue.takeDue(T0.plusSeconds(5)))).containsExactly("b");
    }

    @Test
    void aWebhookAtItsLimitWaitsAndDoesNotHoldUpAnother() {
        DispatchQueue queue = new DispatchQueue(2);
        for (int i = 1; i <= 5; i++) {
            queue.add(d("slow-" + i, "slow", "consent:c-" + i, i, T0));
        }
        queue.add(d("fast-1", "fast", "consent:c-1", 10, T0));

        assertThat(ids(queue.takeDue(T0))).containsExactly("slow-1", "slow-2", "fast-1");
        assertThat(queue.inFlight("slow")).isEqualTo(2);
        queue.add(d("fast-2", "fast", "consent:c-2", 11, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("fast-2"); // the parked slow heads cost nothing

        queue.finished(d("slow-1", "slow", "consent:c-1", 1, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("slow-3"); // one slot freed, one more goes
        assertThat(queue.backlog()).containsEntry("slow", 4L).containsEntry("fast", 2L);
    }

    @Test
    void aLaterCommitAtALowerPositionGoesFirstInItsLane() {
        DispatchQueue queue = new DispatchQueue(4);
        queue.add(d("later", "wh", "consent:c-1", 12, T0));
        queue.add(d("earlier", "wh", "consent:c-1", 11, T0));

        assertThat(ids(queue.takeDue(T0))).containsExactly("earlier");
    }

    @Test
    void aDeliveryIsKnownOnceAndNotDueBeforeItsTime() {
        DispatchQueue queue = new DispatchQueue(4);
        assertThat(queue.add(d("a", "wh", "consent:c-1", 10, T0.plusSeconds(30)))).isTrue();
        assertThat(queue.add(d("a", "wh", "consent:c-1", 10, T0))).isFalse();

        assertThat(queue.takeDue(T0)).isEmpty();
        assertThat(queue.nextDue()).contains(T0.plusSeconds(30));
        assertThat(ids(queue.takeDue(T0.plusSeconds(30)))).containsExactly("a");
        assertThat(queue.add(d("a", "wh", "consent:c-1", 10, T0))).isFalse(); // in flight
    }

    @Test
    void clearingForgetsWhatWaitsButNotWhatIsInFlight() {
        DispatchQueue queue = new DispatchQueue(4);
        queue.add(d("a", "wh", "consent:c-1", 10, T0));
        queue.add(d("b", "wh", "consent:c-1", 11, T0));
        queue.add(d("x", "wh", "consent:c-2", 12, T0.plusSeconds(60)));
        assertThat(ids(queue.takeDue(T0))).containsExactly("a");

        queue.clearWaiting();

        assertThat(queue.knows("a")).isTrue();
        assertThat(queue.knows("b")).isFalse();
        assertThat(queue.knows("x")).isFalse();
        queue.addAll(List.of(d("a", "wh", "consent:c-1", 10, T0), d("b", "wh", "consent:c-1", 11, T0)));
        assertThat(queue.takeDue(T0)).isEmpty(); // a is still in flight: b waits for it
        queue.finished(d("a", "wh", "consent:c-1", 10, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("b");
        queue.finished(d("b", "wh", "consent:c-1", 11, T0));
        assertThat(queue.size()).isZero();
        assertThat(queue.backlog()).isEmpty();
    }

    @Test
    void anEndedRequestFreesItsWebhooksSlotButItsLaneWaitsForTheStoredOutcome() {
        DispatchQueue queue = new DispatchQueue(1);
        queue.add(d("a", "wh", "consent:c-1", 10, T0));
        queue.add(d("b", "wh", "consent:c-1", 11, T0));
        queue.add(d("x", "wh", "consent:c-2", 12, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("a");
        assertThat(queue.takeDue(T0)).isEmpty(); // the one slot is taken

        // answered; its outcome not stored yet; x waited (parked) for the slot: a pass has something to hand out
        assertThat(queue.attemptEnded(false, d("a", "wh", "consent:c-1", 10, T0))).isTrue();

        assertThat(queue.inFlight("wh")).isZero();
        assertThat(ids(queue.takeDue(T0))).containsExactly("x"); // another lane may use the slot
        // nothing waited for the slot: no pass needed
        assertThat(queue.attemptEnded(false, d("x", "wh", "consent:c-2", 12, T0))).isFalse();
        assertThat(queue.takeDue(T0)).isEmpty(); // b still waits for a's stored outcome
        queue.finished(d("a", "wh", "consent:c-1", 10, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("b");
        assertThat(queue.inFlight("wh")).isEqualTo(1);
        queue.finished(d("x", "wh", "consent:c-2", 12, T0)); // its slot was freed already: not freed twice
        assertThat(queue.inFlight("wh")).isEqualTo(1);
        queue.add(d("y", "wh", "consent:c-3", 13, T0));
        assertThat(queue.takeDue(T0)).isEmpty(); // b holds the one slot
        queue.retryAt(d("b", "wh", "consent:c-1", 11, T0), T0);
        assertThat(ids(queue.takeDue(T0))).containsExactly("b"); // due at the same time: the lower position first
    }

    @Test
    void aDeliveredAttemptMovesItsLaneOnAtOnceButStaysKnownUntilItsOutcomeIsStored() {
        DispatchQueue queue = new DispatchQueue(1);
        queue.add(d("a", "wh", "consent:c-1", 10, T0));
        queue.add(d("b", "wh", "consent:c-1", 11, T0));
        queue.add(d("c", "wh", "consent:c-1", 12, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("a");

        // answered 2xx, outcome not stored yet: the lane's next may be sent now (the slot is free too)
        assertThat(queue.attemptEnded(true, d("a", "wh", "consent:c-1", 10, T0))).isTrue();
        assertThat(queue.inFlight("wh")).isZero();
        assertThat(ids(queue.takeDue(T0))).containsExactly("b");
        // a sweep that still reads a as pending does not bring it back, and the backlog still counts it
        assertThat(queue.add(d("a", "wh", "consent:c-1", 10, T0))).isFalse();
        assertThat(queue.knows("a")).isTrue();
        assertThat(queue.backlog()).containsEntry("wh", 3L);
        // neither does an outcome store that failed: it is stored again, not sent again
        queue.retryAt(d("a", "wh", "consent:c-1", 10, T0), T0);
        assertThat(queue.takeDue(T0)).isEmpty();

        queue.finished(d("a", "wh", "consent:c-1", 10, T0)); // its outcome is stored
        assertThat(queue.knows("a")).isFalse();
        assertThat(queue.backlog()).containsEntry("wh", 2L);
        assertThat(queue.takeDue(T0)).as("b still in flight: c waits for it").isEmpty();

        // b failed: its lane waits for the stored outcome, as before
        assertThat(queue.attemptEnded(false, d("b", "wh", "consent:c-1", 11, T0))).isFalse();
        assertThat(queue.takeDue(T0)).isEmpty();
        queue.retryAt(d("b", "wh", "consent:c-1", 11, T0), T0.plusSeconds(5));
        assertThat(queue.takeDue(T0)).isEmpty();
        assertThat(ids(queue.takeDue(T0.plusSeconds(5)))).containsExactly("b");
        assertThat(queue.attemptEnded(true, d("b", "wh", "consent:c-1", 11, T0))).isTrue();
        assertThat(ids(queue.takeDue(T0.plusSeconds(5)))).containsExactly("c");
        assertThat(queue.attemptEnded(true, d("c", "wh", "consent:c-1", 12, T0))).isFalse(); // nothing left to send
        queue.finished(d("c", "wh", "consent:c-1", 12, T0));
        queue.finished(d("b", "wh", "consent:c-1", 11, T0));
        assertThat(queue.size()).isZero();
        assertThat(queue.backlog()).isEmpty();
        assertThat(queue.inFlight("wh")).isZero();
    }

    @Test
    void clearingKeepsWhatWasDeliveredButNotYetStored() {
        DispatchQueue queue = new DispatchQueue(4);
        queue.add(d("a", "wh", "consent:c-1", 10, T0));
        queue.add(d("b", "wh", "consent:c-1", 11, T0));
        assertThat(ids(queue.takeDue(T0))).containsExactly("a");
        queue.attemptEnded(true, d("a", "wh", "consent:c-1", 10, T0));

        queue.clearWaiting();

        assertThat(queue.knows("a")).isTrue();
        assertThat(queue.knows("b")).isFalse();
        queue.finished(d("a", "wh", "consent:c-1", 10, T0));
        assertThat(queue.size()).isZero();
        assertThat(queue.backlog()).isEmpty();
    }

    @Test
    void atMostMaxCarriedWaitingDeliveriesKeepTheirRecordedBody() {
        DispatchQueue queue = new DispatchQueue(1);
        Delivery body = new Delivery("x", "ev", "wh", "RECIPIENT:messenger", "consent.revoked", "consent:c", 1,
                "{}", DeliveryState.PENDING, 0, T0, T0, null, null);
        for (int i = 0; i <= DispatchQueue.MAX_CARRIED; i++) {
            queue.add(new PendingDelivery("d-" + i, "wh", "consent:c-" + i, i, T0, body));
        }
        assertThat(queue.carried()).isEqualTo(DispatchQueue.MAX_CARRIED);

        PendingDelivery first = queue.takeDue(T0).get(0);
        assertThat(first.deliveryId()).isEqualTo("d-0");
        assertThat(first.recorded()).isSameAs(body); // sent without a read
        assertThat(queue.carried()).isEqualTo(DispatchQueue.MAX_CARRIED - 1);
        queue.clearWaiting();
        assertThat(queue.carried()).isZero();
        queue.add(new PendingDelivery("d-" + DispatchQueue.MAX_CARRIED, "wh", "consent:c-last", 99_999, T0, body));
        assertThat(queue.carried()).isEqualTo(1);
    }

    @Test
    void theDeliveryBeyondTheCapWaitsWithoutItsBody() {
        DispatchQueue queue = new DispatchQueue(DispatchQueue.MAX_CARRIED + 1);
        Delivery body = new Delivery("x", "ev", "wh", "RECIPIENT:messenger", "consent.revoked", "consent:c", 1,
                "{}", DeliveryState.PENDING, 0, T0, T0, null, null);
        for (int i = 0; i <= DispatchQueue.MAX_CARRIED; i++) {
            queue.add(new PendingDelivery("d-" + i, "wh", "consent:c-" + i, i, T0, body));
        }
        List<PendingDelivery> all = queue.takeDue(T0);
        assertThat(all).hasSize(DispatchQueue.MAX_CARRIED + 1);
        assertThat(all.get(DispatchQueue.MAX_CARRIED).recorded()).isNull(); // read from the store when sent
        assertThat(all.get(DispatchQueue.MAX_CARRIED - 1).recorded()).isSameAs(body);
        assertThat(queue.carried()).isZero();
    }
}
