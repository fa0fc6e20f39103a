package io.consentledger.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitsTest {

    private static final Caller BANK_1 = new Caller("bank-1", Party.PROVIDER, "bank-1");
    private static final Caller BANK_2 = new Caller("bank-2", Party.PROVIDER, "bank-2");
    private static final Caller MESSENGER = new Caller("messenger", Party.RECIPIENT, "messenger");
    private static final Caller AUDITOR = new Caller("auditor", Party.AUDITOR, null);
    private static final Caller OPERATOR = new Caller("operator", Party.OPERATOR, null);

    @Test
    void defaultsFitABanksTrafficAndStayLowForOversight() {
        RateLimits limits = RateLimits.of(new LedgerSecurityProperties.RateLimit());
        assertThat(limits.limitFor(BANK_1)).isEqualTo(new TokenBuckets.Limit(2_000, 4_000));
        assertThat(limits.limitFor(MESSENGER)).isEqualTo(new TokenBuckets.Limit(1_000, 2_000));
        assertThat(limits.limitFor(AUDITOR)).isEqualTo(new TokenBuckets.Limit(50, 100));
        assertThat(limits.limitFor(OPERATOR)).isEqualTo(new TokenBuckets.Limit(50, 200));
    }

    @Test
    void aPrincipalsOwnLimitBeatsItsKindAndAnUnsetValueFallsBackToTheKind() {
        LedgerSecurityProperties.RateLimit config = new LedgerSecurityProperties.RateLimit();
        config.getPerParty().getProvider().setRequestsPerSecond(300.0);
        config.getPerPrincipal().put("bank-2", new LedgerSecurityProperties.Limit(5_000.0, null));
        RateLimits limits = RateLimits.of(config);
        assertThat(limits.limitFor(BANK_1)).isEqualTo(new TokenBuckets.Limit(300, 4_000));
        assertThat(limits.limitFor(BANK_2)).isEqualTo(new TokenBuckets.Limit(5_000, 4_000));
        assertThat(limits.limitFor(MESSENGER)).isEqualTo(new TokenBuckets.Limit(1_000, 2_000));
    }

    @Test
    void theDeprecatedKeysStillApplyToEveryKindWithoutItsOwnValue() {
        LedgerSecurityProperties.RateLimit config = new LedgerSecurityProperties.RateLimit();
        config.setRequestsPerSecond(20.0);
        config.setBurst(40);
        config.getPerParty().getOperator().setBurst(7);
        assertThat(config.usesDeprecatedKeys()).isTrue();
        RateLimits limits = RateLimits.of(config);
        assertThat(limits.limitFor(BANK_1)).isEqualTo(new TokenBuckets.Limit(20, 40));
        assertThat(limits.limitFor(AUDITOR)).isEqualTo(new TokenBuckets.Limit(20, 40));
        assertThat(limits.limitFor(OPERATOR)).isEqualTo(new TokenBuckets.Limit(20, 7));
    }

    @Test
    void aLimitThatIsNotPositiveIsRefusedAtStart() {
        LedgerSecurityProperties.RateLimit config = new LedgerSecurityProperties.RateLimit();
        config.getPerParty().getRecipient().setRequestsPerSecond(0.0);
        assertThatThrownBy(() -> RateLimits.of(config)).isInstanceOf(IllegalStateException.class)
                                                       .hasMessageContaining("per-party.recipient");
    }
}
