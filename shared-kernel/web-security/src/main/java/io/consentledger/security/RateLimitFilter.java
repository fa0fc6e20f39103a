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
 * The per-principal rate limit (its size per principal or per party kind: {@link RateLimits}), after authentication: a caller past its bucket gets 429 {@code rate-limited} with
 * {@code Retry-After}. Distinct from the domain's {@code frequency-exceeded} (a consent's own limit on shares).
 * Anonymous requests are not counted here: they never pass authentication (health probes excepted).
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final TokenBuckets buckets;
    private final RateLimits limits;

    /** Every caller with the buckets' own limit. */
    public RateLimitFilter(TokenBuckets buckets) {
        this(buckets, null);
    }

    /** Each caller with its limit from {@code limits} (per principal, else per party kind). */
    public RateLimitFilter(TokenBuckets buckets, RateLimits limits) {
        this.buckets = buckets;
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Caller> caller = Callers.current();
        if (caller.isPresent()) {
            long wait = limits == null ? buckets.tryTake(caller.get().key())
                                       : buckets.tryTake(caller.get().key(), limits.limitFor(caller.get()));
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
