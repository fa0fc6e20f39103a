package io.consentledger.security;

import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * The per-principal rate limit, after authentication: a caller past its bucket gets 429 {@code rate-limited} with
 * {@code Retry-After}. Distinct from the domain's {@code frequency-exceeded} (a consent's own limit on shares).
 * Anonymous requests are not counted here: they never pass authentication (health probes excepted).
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final TokenBuckets buckets;

    public RateLimitFilter(TokenBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Caller> caller = Callers.current();
        if (caller.isPresent()) {
            long wait = buckets.tryTake(caller.get().key());
            if (wait > 0) {
                response.setHeader("Retry-After", Long.toString(wait));
                SecurityProblems.write(response, 429, Problems.RATE_LIMITED, "Rate limited",
                                       "Too many requests from this caller; retry after the Retry-After delay");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
