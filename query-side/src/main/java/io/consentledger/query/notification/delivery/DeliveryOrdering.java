package io.consentledger.query.notification.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-consent ordering rule, pure: of the pending deliveries of one webhook with the same ordering key (one
 * consent, or one link), only the one with the lowest global position may be sent; a later change waits until the
 * earlier one has been delivered or given up (then it leaves the outbox). A delivery in flight keeps its lane busy.
 */
public final class DeliveryOrdering {

    private DeliveryOrdering() {
    }

    /**
     * @param pending  every pending delivery (the outbox), in any order
     * @param inFlight the ids of deliveries being sent now
     * @return the deliveries to send now: due, first in their lane, lane not busy; oldest position first
     */
    public static List<PendingDelivery> dispatchable(List<PendingDelivery> pending, Set<String> inFlight,
                                                     Instant now) {
        Map<String, PendingDelivery> heads = new HashMap<>();
        for (PendingDelivery delivery : pending) {
            heads.merge(delivery.webhookId() + "\n" + delivery.orderingKey(), delivery,
                    (a, b) -> b.position() < a.position() ? b : a);
        }
        List<PendingDelivery> ready = new ArrayList<>();
        for (PendingDelivery head : heads.values()) {
            if (!inFlight.contains(head.deliveryId()) && !head.dueAt().isAfter(now)) {
                ready.add(head);
            }
        }
        ready.sort(Comparator.comparingLong(PendingDelivery::position).thenComparing(PendingDelivery::deliveryId));
        return ready;
    }
}
