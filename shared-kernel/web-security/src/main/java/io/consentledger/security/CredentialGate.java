package io.consentledger.security;

import io.consentledger.security.container.InFlightLimitFilter;
import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Enumeration;

/**
 * Before authentication, on the headers only: an address that has spent its {@link AddressBudget} of failed
 * authentication is answered 429 {@code rate-limited} (health excepted), and a request that presents more than one
 * credential (two {@code Authorization} headers, two {@code X-Api-Key} headers, or one of each, agreeing or not) is
 * refused 400 {@code malformed-request} instead of one of them being chosen silently. The refusal spends a token.
 */
public class CredentialGate extends OncePerRequestFilter {

    private final AddressBudget failures;

    /** {@code failures} null: no per-address limit (the ambiguity check stays). */
    public CredentialGate(AddressBudget failures) {
        this.failures = failures;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (failures != null && !InFlightLimitFilter.isHealth(request)) {
            long wait = failures.retryAfter(request);
            if (wait > 0) {
                response.setHeader("Retry-After", Long.toString(wait));
                SecurityProblems.write(response, 429, Problems.RATE_LIMITED, "Rate limited",
                        "Too many failed authentications from this address; retry after the Retry-After delay");
                return;
            }
        }
        if (count(request.getHeaders("Authorization")) + count(request.getHeaders(ApiKeyAuthenticationFilter.HEADER)) > 1) {
            if (failures != null) {
                failures.charge(request);
            }
            SecurityProblems.write(response, 400, Problems.MALFORMED_REQUEST, "Malformed request",
                    "More than one credential was presented (Authorization, X-Api-Key): send exactly one");
            return;
        }
        chain.doFilter(request, response);
    }

    private static int count(Enumeration<String> values) {
        int n = 0;
        while (values != null && values.hasMoreElements()) {
            values.nextElement();
            n++;
        }
        return n;
    }
}
