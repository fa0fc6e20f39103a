package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.security.problem.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, part 3: rate limits per party kind and per principal, over real HTTP. Here providers get a burst of 3
 * (and almost no refill), bank-2 has its own limit of 8, and recipients keep what the test base sets through the
 * deprecated global keys (100,000/s), which still apply to a kind without its own value.
 */
@TestPropertySource(properties = {
        "consent-ledger.security.rate-limit.per-party.provider.burst=3",
        "consent-ledger.security.rate-limit.per-party.provider.requests-per-second=0.01",
        "consent-ledger.security.rate-limit.per-principal[bank-2].burst=8"
})
class PartyRateLimitHttpTest extends HttpTestSupport {

    @Test
    void aPartyKindsLimitAPrincipalsOwnLimitAndTheDeprecatedKeys() {
        // bank-1: its kind's burst of 3, then 429 rate-limited with Retry-After, before the request is looked at
        List<Integer> bank1 = statuses(BANK_1, 4);
        assertThat(bank1.subList(0, 3)).doesNotContain(429);
        Response limited = post("/api/v1/links", "{}", "Authorization", "ApiKey " + BANK_1);
        assertThat(bank1.get(3)).isEqualTo(429);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.text("type")).isEqualTo(Problems.BASE + Problems.RATE_LIMITED);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        // bank-2, also a provider: its own burst of 8 (the provider's refill rate)
        List<Integer> bank2 = statuses(BANK_2, 9);
        assertThat(bank2.subList(0, 8)).doesNotContain(429);
        assertThat(bank2.get(8)).isEqualTo(429);
        // a recipient: the deprecated global keys of the test base (100,000/s) still apply to its kind
        assertThat(statuses(MESSENGER, 20)).doesNotContain(429);
    }

    private List<Integer> statuses(String key, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(post("/api/v1/links", "{}", "Authorization", "ApiKey " + key).status());
        }
        return out;
    }
}
