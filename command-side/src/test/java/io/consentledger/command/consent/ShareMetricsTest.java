package io.consentledger.command.consent;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.command.metrics.ShareMetrics;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.share.ShareBalance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** Shares are counted once committed, and refusals by their reason. */
class ShareMetricsTest extends ConsentFixture {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void countShares() {
        fixture.registerCommandHandlerInterceptor(new ShareMetrics(registry));
    }

    private ShareBalance balance(String shareId, Purpose purpose) {
        return new ShareBalance(CONSENT, shareId, "link-1", new BigDecimal("10.00"), "EUR", NOW, purpose);
    }

    @Test
    void countsAnAcceptedShare() {
        fixture.given(requested(), authorised()).when(balance("s1", Purpose.FRAUD_ALERTS)).expectSuccessfulHandlerExecution();

        assertThat(registry.counter("ledger.shares.accepted", "type", "balance").count()).isEqualTo(1);
        assertThat(registry.find("ledger.shares.refused").counters()).isEmpty();
    }

    @Test
    void countsARefusalByItsReason() {
        fixture.given(requested(), authorised()).when(balance("s1", Purpose.CUSTOMER_SERVICE))
               .expectException(LedgerRefusal.class);

        assertThat(registry.counter("ledger.shares.refused", "type", "balance", "reason", "PURPOSE_NOT_GRANTED").count())
                .isEqualTo(1);
        assertThat(registry.find("ledger.shares.accepted").counters()).isEmpty();
    }
}
