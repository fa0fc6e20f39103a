package io.consentledger.security.container;

import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * Keeps worker threads for health: at most {@code permits} requests other than health are in the application at
 * once (the container's worker threads less {@code consent-ledger.security.reserved-threads}); one more is answered
 * 503 {@code service-unavailable} at once, with {@code Retry-After}. So however many requests wait for their bodies,
 * {@code /actuator/health}, liveness and readiness find a thread.
 */
public class InFlightLimitFilter extends OncePerRequestFilter {

    private final Semaphore permits;
    private final int capacity;

    public InFlightLimitFilter(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("consent-ledger.security.reserved-threads leaves no worker thread for the API");
        }
        this.permits = new Semaphore(permits);
        this.capacity = permits;
    }

    /** The API's share of the worker threads. */
    public int capacity() {
        return capacity;
    }

    /**
     * Takes one of the API's threads for work done outside a request's filters (a drain after a 413,
     * {@link UnreadBodyValve}); false, at once, when none is free. Give it back with {@link #giveBack()}.
     */
    public boolean tryTake() {
        return permits.tryAcquire();
    }

    public void giveBack() {
        permits.release();
    }

    public static boolean isHealth(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return isHealth(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!permits.tryAcquire()) {
            response.setHeader("Retry-After", "1");
            response.setHeader("Connection", "close");
            Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE, "Service unavailable",
                           "Too many requests are in progress; retry after the Retry-After delay");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
