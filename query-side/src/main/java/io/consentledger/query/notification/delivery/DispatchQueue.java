package io.consentledger.query.notification.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The dispatcher's in-memory queue of pending deliveries (not thread-safe: the dispatcher guards it), so that a
 * dispatch pass costs what it hands out, not the size of the backlog.
 * <p>
 * Deliveries of one webhook with the same ordering key form a <b>lane</b>, kept in position order
 * ({@link DeliveryOrdering}'s rule): only its first may be sent, and while it is in flight the lane is busy. The
 * first of every idle lane waits in {@code ready}, ordered by due time; {@link #takeDue} takes the due ones from its
 * front. A webhook already at its limit of deliveries in flight has its due lane heads set aside ({@code parked})
 * until one of its attempts ends, which brings back one of them, so a webhook with a large backlog costs a pass
 * nothing while it is busy, and never holds up another webhook. Each operation is O(log n).
 * <p>
 * The limit counts <b>requests</b> in flight: a delivery holds its webhook's slot from {@link #takeDue} until its
 * attempt has ended ({@link #attemptEnded}, the receiver answered or the attempt failed). A delivery the receiver
 * accepted (2xx) is <b>settled</b>: its lane moves on at once, and it stays known (a sweep that still reads it as
 * pending does not bring it back) until its outcome is stored ({@link #finished}). Any other attempt holds its lane
 * until its outcome is stored ({@link #finished}, {@link #retryAt}), so that a retry or a give-up is decided before the
 * lane's next is sent. So storing outcomes, which the dispatcher does in batches, holds neither the receiver's slots
 * nor the lanes of delivered notifications.
 */
final class DispatchQueue {

    private static final Comparator<PendingDelivery> BY_POSITION =
            Comparator.comparingLong(PendingDelivery::position).thenComparing(PendingDelivery::deliveryId);
    private static final Comparator<PendingDelivery> BY_DUE =
            Comparator.comparing(PendingDelivery::dueAt).thenComparing(BY_POSITION);

    private static final class Lane {
        final TreeSet<PendingDelivery> waiting = new TreeSet<>(BY_POSITION);
        PendingDelivery queued; // the lane's first, in ready or parked; null while the lane is busy or empty
        PendingDelivery inFlight;
    }

    private final int perWebhookLimit;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, PendingDelivery> known = new HashMap<>();
    private final TreeSet<PendingDelivery> ready = new TreeSet<>(BY_DUE);
    private final Map<String, TreeSet<PendingDelivery>> parked = new HashMap<>();
    private final Map<String, Integer> inFlightOf = new HashMap<>();
    /** The deliveries whose request is in flight: each holds one slot of its webhook. */
    private final java.util.Set<String> holdingSlot = new java.util.HashSet<>();
    /** Delivered deliveries whose outcome is not stored yet: out of their lanes, still known and in the backlog. */
    private final java.util.Set<String> settled = new java.util.HashSet<>();
    private final Map<String, Long> backlogOf = new HashMap<>();
    /** Waiting deliveries that carry their recorded body ({@link PendingDelivery#recorded}): at most {@link #MAX_CARRIED}. */
    private int carried;
    /** Beyond this many, a delivery handed over with its body waits without it (its body is read when it is sent). */
    static final int MAX_CARRIED = 10_000;

    DispatchQueue(int perWebhookLimit) {
        this.perWebhookLimit = perWebhookLimit;
    }

    /** Adds a pending delivery; false if the queue knows it already (queued or in flight). */
    boolean add(PendingDelivery delivery) {
        if (known.containsKey(delivery.deliveryId())) {
            return false;
        }
        if (delivery.recorded() != null) {
            if (carried < MAX_CARRIED) {
                carried++;
            } else { // the body stays in the store: read when it is sent
                delivery = delivery.withoutRecorded();
            }
        }
        known.put(delivery.deliveryId(), delivery);
        backlogOf.merge(delivery.webhookId(), 1L, Long::sum);
        Lane lane = lanes.computeIfAbsent(laneKey(delivery), k -> new Lane());
        lane.waiting.add(delivery);
        requeueHead(lane);
        return true;
    }

    /** Adds those it does not know yet; returns how many. */
    int addAll(Collection<PendingDelivery> deliveries) {
        int added = 0;
        for (PendingDelivery delivery : deliveries) {
            if (add(delivery)) {
                added++;
            }
        }
        return added;
    }

    boolean knows(String deliveryId) {
        return known.containsKey(deliveryId);
    }

    /** Takes every delivery that may be sent now, marking it in flight; oldest due first. */
    List<PendingDelivery> takeDue(Instant now) {
        List<PendingDelivery> taken = new ArrayList<>();
        while (!ready.isEmpty() && !ready.first().dueAt().isAfter(now)) {
            PendingDelivery head = ready.pollFirst();
            if (inFlightOf.getOrDefault(head.webhookId(), 0) >= perWebhookLimit) {
                parked.computeIfAbsent(head.webhookId(), k -> new TreeSet<>(BY_DUE)).add(head);
                continue;
            }
            Lane lane = lanes.get(laneKey(head));
            lane.queued = null;
            lane.waiting.remove(head);
            lane.inFlight = head;
            if (head.recorded() != null) {
                carried--;
            }
            inFlightOf.merge(head.webhookId(), 1, Integer::sum);
            holdingSlot.add(head.deliveryId());
            taken.add(head);
        }
        return taken;
    }

    /** When the next queued delivery falls due, if any waits in {@code ready}. */
    Optional<Instant> nextDue() {
        return ready.isEmpty() ? Optional.empty() : Optional.of(ready.first().dueAt());
    }

    /**
     * The attempt's request has ended (answered, failed or not made): the webhook's slot is free for another lane. If
     * the receiver accepted it ({@code delivered}), the lane's next may be sent now; else the lane stays busy until
     * the outcome is stored ({@link #finished} or {@link #retryAt}).
     *
     * @return whether a delivery waiting for the slot or for the lane may be taken now (else a pass would find
     *         nothing new)
     */
    boolean attemptEnded(boolean delivered, PendingDelivery delivery) {
        Lane lane = lanes.get(laneKey(delivery));
        if (lane == null || lane.inFlight == null || !lane.inFlight.deliveryId().equals(delivery.deliveryId())) {
            return false;
        }
        boolean slotWanted = freeSlot(delivery);
        if (!delivered) {
            return slotWanted;
        }
        lane.inFlight = null;
        settled.add(delivery.deliveryId());
        if (lane.waiting.isEmpty()) {
            lanes.remove(laneKey(delivery));
            return slotWanted;
        }
        requeueHead(lane);
        return true;
    }

    /** An attempt ended and the delivery left the outbox (delivered, given up) or was not pending any more. */
    void finished(PendingDelivery delivery) {
        if (settled.remove(delivery.deliveryId())) { // its lane moved on when it was delivered
            forget(delivery);
            return;
        }
        Lane lane = release(delivery);
        if (lane == null) {
            return;
        }
        forget(delivery);
        if (lane.waiting.isEmpty()) {
            lanes.remove(laneKey(delivery));
        } else {
            requeueHead(lane);
        }
    }

    private void forget(PendingDelivery delivery) {
        known.remove(delivery.deliveryId());
        backlogOf.computeIfPresent(delivery.webhookId(), (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * An attempt ended and the delivery stays pending: it heads its lane again, due at {@code dueAt}. Not for a
     * settled (delivered) one, whose lane has moved on: it stays settled until {@link #finished}.
     */
    void retryAt(PendingDelivery delivery, Instant dueAt) {
        Lane lane = release(delivery);
        if (lane == null) {
            return;
        }
        PendingDelivery again = delivery.dueAgainAt(dueAt);
        known.put(again.deliveryId(), again);
        lane.waiting.add(again);
        requeueHead(lane);
    }

    /** Forgets every delivery not in flight (this instance stops dispatching); in-flight ones end as usual. */
    void clearWaiting() {
        carried = 0; // only waiting deliveries are counted
        ready.clear();
        parked.clear();
        lanes.values().removeIf(lane -> {
            lane.waiting.forEach(d -> {
                known.remove(d.deliveryId());
                backlogOf.computeIfPresent(d.webhookId(), (k, n) -> n <= 1 ? null : n - 1);
            });
            lane.waiting.clear();
            lane.queued = null;
            return lane.inFlight == null;
        });
    }

    /** Pending deliveries per webhook, in flight included. */
    Map<String, Long> backlog() {
        return Map.copyOf(backlogOf);
    }

    /** Waiting deliveries that carry their body (for tests). */
    int carried() {
        return carried;
    }

    int size() {
        return known.size();
    }

    /** Requests of the webhook in flight (slots held). */
    int inFlight(String webhookId) {
        return inFlightOf.getOrDefault(webhookId, 0);
    }

    private Lane release(PendingDelivery delivery) {
        Lane lane = lanes.get(laneKey(delivery));
        if (lane == null || lane.inFlight == null || !lane.inFlight.deliveryId().equals(delivery.deliveryId())) {
            return null;
        }
        lane.inFlight = null;
        freeSlot(delivery);
        return lane;
    }

    /** Frees the delivery's slot; true if a parked lane head of its webhook went back to {@code ready}. */
    private boolean freeSlot(PendingDelivery delivery) {
        if (!holdingSlot.remove(delivery.deliveryId())) {
            return false; // freed when its attempt ended
        }
        inFlightOf.computeIfPresent(delivery.webhookId(), (k, n) -> n <= 1 ? null : n - 1);
        // a slot of this webhook is free: one of its parked lane heads may go again
        TreeSet<PendingDelivery> waitingForSlot = parked.get(delivery.webhookId());
        if (waitingForSlot != null) {
            ready.add(waitingForSlot.pollFirst());
            if (waitingForSlot.isEmpty()) {
                parked.remove(delivery.webhookId());
            }
            return true;
        }
        return false;
    }

    /** Puts the lane's first delivery where it can be taken, unless the lane is busy. */
    private void requeueHead(Lane lane) {
        if (lane.inFlight != null || lane.waiting.isEmpty()) {
            return;
        }
        PendingDelivery head = lane.waiting.first();
        if (head == lane.queued) {
            return;
        }
        if (lane.queued != null && !ready.remove(lane.queued)) {
            TreeSet<PendingDelivery> ofWebhook = parked.get(lane.queued.webhookId());
            if (ofWebhook != null) {
                ofWebhook.remove(lane.queued);
                if (ofWebhook.isEmpty()) {
                    parked.remove(lane.queued.webhookId());
                }
            }
        }
        lane.queued = head;
        ready.add(head);
    }

    private static String laneKey(PendingDelivery delivery) {
        return delivery.webhookId() + "\n" + delivery.orderingKey();
    }
}
