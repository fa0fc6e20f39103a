package io.consentledger.security;

import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses a request whose declared body is larger than the limit with 413 {@code payload-too-large}, and a body
 * without a declared length (chunked) with 411 {@code length-required}, before authentication or parsing reads
 * either. The limit is {@link RequestBodyLimit}, the only body-size limit of the ledger: what passes here has at
 * most that many bytes.
 */
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RequestSizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (chunked && length < 0) {
            response.setHeader("Connection", "close");
            SecurityProblems.write(response, 411, Problems.LENGTH_REQUIRED, "Length required",
                                   "Request bodies must declare their Content-Length");
            return;
        }
        if (length > maxBytes) {
            response.setHeader("Connection", "close");
            SecurityProblems.write(response, 413, Problems.PAYLOAD_TOO_LARGE, "Payload too large",
                                   "Request bodies are limited to " + maxBytes + " bytes");
            return;
        }
        chain.doFilter(request, response);
    }
}
