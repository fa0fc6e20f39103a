package io.consentledger.security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitFilterTest {

    private final AtomicLong nanos = new AtomicLong();
    private final RateLimitFilter filter = new RateLimitFilter(new TokenBuckets(2, 3, nanos::get, 1000));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private MockHttpServletResponse call(Caller caller) throws Exception {
        SecurityContextHolder.getContext().setAuthentication(caller == null ? null : new CallerAuthentication(caller));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/api/v1/consents/x"), response, new MockFilterChain());
        return response;
    }

    @Test
    void aBurstThenTheSustainedRatePerPrincipalThen429WithRetryAfter() throws Exception {
        Caller bank = new Caller("svc-bank-1", Party.PROVIDER, "bank-1");
        for (int i = 0; i < 3; i++) {
            assertThat(call(bank).getStatus()).isEqualTo(200);
        }
        MockHttpServletResponse limited = call(bank);
        assertThat(limited.getStatus()).isEqualTo(429);
        assertThat(limited.getHeader("Retry-After")).isEqualTo("1");
        assertThat(limited.getContentType()).startsWith("application/problem+json");
        assertThat(limited.getContentAsString()).contains("https://consent-ledger.dev/problems/rate-limited")
                                                .doesNotContain("frequency-exceeded");
        // another principal has its own bucket
        assertThat(call(new Caller("svc-bank-2", Party.PROVIDER, "bank-2")).getStatus()).isEqualTo(200);
        // half a second refills one token at 2 per second
        nanos.addAndGet(500_000_000L);
        assertThat(call(bank).getStatus()).isEqualTo(200);
        assertThat(call(bank).getStatus()).isEqualTo(429);
    }

    @Test
    void anonymousRequestsAreLeftToAuthentication() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(call(null).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void eachCallerGetsTheBucketOfItsOwnLimit() throws Exception {
        LedgerSecurityProperties.RateLimit config = new LedgerSecurityProperties.RateLimit();
        config.getPerParty().getProvider().setBurst(2);
        config.getPerParty().getProvider().setRequestsPerSecond(1.0);
        config.getPerPrincipal().put("svc-bank-2", new LedgerSecurityProperties.Limit(null, 5));
        RateLimitFilter perCaller = new RateLimitFilter(new TokenBuckets(1, 1, nanos::get, 1000), RateLimits.of(config));
        Caller bank1 = new Caller("svc-bank-1", Party.PROVIDER, "bank-1");
        Caller bank2 = new Caller("svc-bank-2", Party.PROVIDER, "bank-2");
        assertThat(statuses(perCaller, bank1, 3)).containsExactly(200, 200, 429);
        assertThat(statuses(perCaller, bank2, 6)).containsExactly(200, 200, 200, 200, 200, 429);
        // a recipient keeps its kind's default (1,000/s, burst 2,000)
        assertThat(statuses(perCaller, new Caller("messenger", Party.RECIPIENT, "messenger"), 50)).doesNotContain(429);
    }

    private java.util.List<Integer> statuses(RateLimitFilter f, Caller caller, int n) throws Exception {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));
            MockHttpServletResponse response = new MockHttpServletResponse();
            f.doFilter(new MockHttpServletRequest("GET", "/api/v1/consents/x"), response, new MockFilterChain());
            out.add(response.getStatus());
        }
        return out;
    }
}
