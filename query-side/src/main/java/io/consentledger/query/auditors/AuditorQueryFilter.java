package io.consentledger.query.auditors;

import io.consentledger.query.web.BadParameter;
import io.consentledger.query.web.DeclaredParameters;
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
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Records every query an AUDITOR makes, and every call to {@code /api/v1/audit/**} by anyone authenticated, before it
 * is served, whatever its parameters (they are stored printable); the answer's status, result count and route are
 * added once it is answered (refusals included). A query that cannot be recorded is refused with a 503 problem
 * ({@value #UNRECORDED}), never served unrecorded.
 */
public class AuditorQueryFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditorQueryFilter.class);
    /** The problem type (and code) of a read refused because it could not be recorded. */
    public static final String UNRECORDED = "audit-record-unavailable";
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
        if (!audited) {
            chain.doFilter(request, response);
            return;
        }
        Map<String, String[]> parameters;
        BadParameter unreadable = null;
        try {
            parameters = DeclaredParameters.readable(request);
        } catch (BadParameter e) {
            // recorded as the raw query string, made printable; refused below, never served
            unreadable = e;
            parameters = Map.of(DeclaredParameters.UNREADABLE,
                                new String[] {request.getQueryString() == null ? "" : request.getQueryString()});
        }
        String id;
        try {
            id = queries.record(caller.get().principal(), caller.get().label(), request.getMethod(),
                                request.getRequestURI(), parameters, null, null, CorrelationIdFilter.of(request));
        } catch (RuntimeException failure) {
            // not recorded, so not served
            log.error("Could not record an auditor's query ({}); refused", failure.getClass().getSimpleName());
            refuse(response);
            return;
        }
        if (unreadable != null) {
            refuseMalformed(response, unreadable);
            complete(id, response, null, null);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            Object count = request.getAttribute(RESULT_COUNT);
            Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            complete(id, response, count instanceof Long l ? l : null, route instanceof String r ? r : null);
        }
    }

    /** Adds the outcome to the record; the read itself is recorded already, so a failure here is only logged. */
    private void complete(String id, HttpServletResponse response, Long count, String route) {
        try {
            queries.complete(id, response.getStatus(), count, route);
        } catch (RuntimeException failure) {
            log.error("Could not record the outcome of an auditor's query ({})", failure.getClass().getSimpleName());
        }
    }

    /** The 400 problem {@link io.consentledger.query.web.ParameterProblems} gives, written here: MVC never runs. */
    private static void refuseMalformed(HttpServletResponse response, BadParameter e) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("application/problem+json");
        String type = e.kind().type();
        response.getWriter().write("{\"type\":\"https://consent-ledger.dev/problems/" + type + "\","
                + "\"title\":\"" + e.kind().title() + "\",\"status\":400,\"detail\":\"" + e.getMessage() + "\","
                + "\"code\":\"" + type + "\",\"parameter\":\"" + DeclaredParameters.UNREADABLE + "\"}");
    }

    private static void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"https://consent-ledger.dev/problems/" + UNRECORDED + "\","
                + "\"title\":\"Audit record unavailable\",\"status\":503,"
                + "\"detail\":\"This read cannot be recorded in the auditors' log now, so it is not served.\","
                + "\"code\":\"" + UNRECORDED + "\"}");
    }
}
