package io.consentledger.security;

import io.consentledger.security.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * 401 and 403 as RFC 9457 problems with stable types ({@code unauthenticated}, {@code forbidden}); the 401 carries
 * {@code WWW-Authenticate}. Neither names the reason a credential failed beyond "invalid", nor any class.
 */
public class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {


    private final String challenge;
    private final AddressBudget failures;

    public SecurityProblems(LedgerSecurityProperties.Mode mode) {
        this(mode, null);
    }

    /** {@code failures}: the per-address budget every 401 spends a token of; null for none. */
    public SecurityProblems(LedgerSecurityProperties.Mode mode, AddressBudget failures) {
        this.failures = failures;
        this.challenge = mode == LedgerSecurityProperties.Mode.JWT ? "Bearer realm=\"consent-ledger\""
                : "ApiKey realm=\"consent-ledger\"";
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failures != null) {
            failures.charge(request);
        }
        boolean presented = request.getHeader("Authorization") != null || request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null;
        response.setHeader("WWW-Authenticate", presented && challenge.startsWith("Bearer")
                ? challenge + ", error=\"invalid_token\"" : challenge);
        write(response, 401, Problems.UNAUTHENTICATED, "Unauthenticated",
              presented ? "The credential is invalid, expired or not meant for this service"
                        : "This endpoint needs an authenticated caller");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        write(response, 403, Problems.FORBIDDEN, "Forbidden", "The caller's party may not do this");
    }

    /** Writes a problem of the shared vocabulary ({@link Problems}) from a filter or a security handler. */
    public static void write(HttpServletResponse response, int status, String slug, String title, String detail)
            throws IOException {
        Problems.write(response, HttpStatusCode.valueOf(status), slug, title, detail);
    }
}
