package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.security.problem.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 9: anonymous and bad-credential requests are limited per client address, so a key cannot be
 * guessed without limit. Past the address's budget every request from it is refused 429 before any credential is
 * checked (a guess that happens to be right is not told apart), except health.
 */
@TestPropertySource(properties = {
        "consent-ledger.security.rate-limit.per-address.burst=5",
        "consent-ledger.security.rate-limit.per-address.requests-per-second=0.01"
})
class AddressRateLimitHttpTest extends HttpTestSupport {

    @Test
    void failedCredentialsFromOneAddressAreLimited() {
        // five failures (bad keys and no key) are answered 401
        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/v1/links", "{}", "Authorization", "ApiKey guess-" + i).status()).isEqualTo(401);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(post("/api/v1/links", "{}", "X-Anonymous", "yes").status()).isEqualTo(401);
        }
        // the sixth is refused before its key is looked at, and so is every later one, a right key included
        Response guessed = post("/api/v1/links", "{}", "Authorization", "ApiKey guess-6");
        assertThat(guessed.status()).isEqualTo(429);
        assertThat(guessed.contentType()).startsWith("application/problem+json");
        assertThat(guessed.text("type")).isEqualTo(Problems.BASE + Problems.RATE_LIMITED);
        assertThat(guessed.headers().firstValue("Retry-After")).isPresent();
        assertThat(post("/api/v1/links", linkJson(id("link"), "cust-limited", "EUR"), "Authorization", "ApiKey " + BANK_1)
                .status()).isEqualTo(429);
        assertThat(get("/api/v1/links").status()).isEqualTo(429);
        // health is never limited
        assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
    }
}
