package io.consentledger.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * 401 and 403 as RFC 9457 problems with stable types ({@code unauthenticated}, {@code forbidden}); the 401 carries
 * {@code WWW-Authenticate}. Neither names the reason a credential failed beyond "invalid", nor any class.
 */
public class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    public static final String BASE = "https://consent-ledger.dev/problems/";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String FORBIDDEN = "forbidden";
    public static final String RATE_LIMITED = "rate-limited";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";

    private final String challenge;

    public SecurityProblems(LedgerSecurityProperties.Mode mode) {
        this.challenge = mode == LedgerSecurityProperties.Mode.JWT ? "Bearer realm=\"consent-ledger\""
                : "ApiKey realm=\"consent-ledger\"";
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        boolean presented = request.getHeader("Authorization") != null || request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null;
        response.setHeader("WWW-Authenticate", presented && challenge.startsWith("Bearer")
                ? challenge + ", error=\"invalid_token\"" : challenge);
        write(response, 401, UNAUTHENTICATED, "Unauthenticated",
              presented ? "The credential is invalid, expired or not meant for this service"
                        : "This endpoint needs an authenticated caller");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        write(response, 403, FORBIDDEN, "Forbidden", "The caller's party may not do this");
    }

    public static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        String code = type.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        String body = "{\"type\":\"" + BASE + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
