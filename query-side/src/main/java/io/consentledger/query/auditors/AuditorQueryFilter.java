package io.consentledger.query.auditors;

import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.CorrelationIdFilter;
import io.consentledger.security.Party;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * Records every query an AUDITOR makes, and every call to {@code /api/v1/audit/**} by anyone authenticated, after it
 * is answered (refusals included). A record that cannot be written is logged as an error; the answer stands.
 */
public class AuditorQueryFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditorQueryFilter.class);
    private static final String RESULT_COUNT = AuditorQueryFilter.class.getName() + ".resultCount";

    private final AuditorQueryLog queries;

    public AuditorQueryFilter(AuditorQueryLog queries) {
        this.queries = queries;
    }

    /** Controllers call this with the number of results they answer, where it is cheap to know. */
    public static void resultCount(long count) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            attributes.getRequest().setAttribute(RESULT_COUNT, count);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Caller> caller = Callers.current();
        boolean audited = caller.isPresent()
                && (caller.get().is(Party.AUDITOR) || request.getRequestURI().startsWith("/api/v1/audit/"));
        try {
            chain.doFilter(request, response);
        } finally {
            if (audited) {
                try {
                    Object count = request.getAttribute(RESULT_COUNT);
                    queries.record(caller.get().principal(), caller.get().label(), request.getMethod(),
                                   request.getRequestURI(), request.getParameterMap(), response.getStatus(),
                                   count instanceof Long l ? l : null, CorrelationIdFilter.of(request));
                } catch (RuntimeException failure) {
                    log.error("Could not record an auditor's query ({})", failure.getClass().getSimpleName());
                }
            }
        }
    }
}
