package io.consentledger.query.notification.delivery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryOrderingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static PendingDelivery p(String id, String webhook, String key, long position, Instant due) {
        return new PendingDelivery(id, webhook, key, position, due);
    }

    @Test
    void aLaterChangeOfAConsentWaitsForTheEarlierOneEvenWhenTheEarlierIsNotDueYet() {
        PendingDelivery earlier = p("e1/wh", "wh", "consent:c1", 10, NOW.plusSeconds(300));
        PendingDelivery later = p("e2/wh", "wh", "consent:c1", 11, NOW);

        assertThat(DeliveryOrdering.dispatchable(List.of(later, earlier), Set.of(), NOW)).isEmpty();
        assertThat(DeliveryOrdering.dispatchable(List.of(later, earlier), Set.of(), NOW.plusSeconds(300)))
                .containsExactly(earlier);
        // once the earlier one is delivered or given up it leaves the outbox, and the later one goes
        assertThat(DeliveryOrdering.dispatchable(List.of(later), Set.of(), NOW)).containsExactly(later);
    }

    @Test
    void otherConsentsAndOtherWebhooksAreNotHeldUp() {
        PendingDelivery stuck = p("e1/wh", "wh", "consent:c1", 10, NOW.plusSeconds(3600));
        PendingDelivery otherConsent = p("e3/wh", "wh", "consent:c2", 12, NOW);
        PendingDelivery otherWebhook = p("e2/wh2", "wh2", "consent:c1", 11, NOW);

        assertThat(DeliveryOrdering.dispatchable(List.of(stuck, otherConsent, otherWebhook), Set.of(), NOW))
                .containsExactly(otherWebhook, otherConsent);
    }

    @Test
    void aLaneWithADeliveryInFlightSendsNothingElse() {
        PendingDelivery first = p("e1/wh", "wh", "consent:c1", 10, NOW);
        PendingDelivery second = p("e2/wh", "wh", "consent:c1", 11, NOW);

        assertThat(DeliveryOrdering.dispatchable(List.of(first, second), Set.of("e1/wh"), NOW)).isEmpty();
    }
}
