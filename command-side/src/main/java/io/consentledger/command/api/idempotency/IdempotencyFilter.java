package io.consentledger.command.api.idempotency;

import io.consentledger.command.api.problem.ProblemTypes;
import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Honours the {@code Idempotency-Key} header on command requests (POST): a retry with the same key and the same
 * request (method, path and body bytes) gets the first outcome again (same status, body and Location) and sends
 * no command; the same key with another request is 422 {@code idempotency-key-reused}; a retry while the first is
 * still running is 409 {@code idempotency-key-in-flight}. Outcomes of 5xx are not kept, so they may be retried.
 *
 * <p>A share's outcome is written after its answer ({@link IdempotencyStore#completeLater}), which takes a store
 * round trip off the request: the consent also recognises a repeated {@code shareId}, so a share whose outcome was
 * lost with a crashed process is not recorded twice when its key is taken over. Other commands' outcomes are written
 * before the answer.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotency-Replayed";
    /** Compiled once: {@code String.matches} would compile it on every request. */
    private static final java.util.regex.Pattern VALID_KEY = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,255}");
    /** The share commands, whose outcome is written after the answer. */
    private static final java.util.regex.Pattern SHARES =
            java.util.regex.Pattern.compile(".*/api/v1/consents/[^/]+/shares/(balance|transactions)");

    private final IdempotencyStore store;
    private final CallerIdentity callers;

    public IdempotencyFilter(IdempotencyStore store, CallerIdentity callers) {
        this.store = store;
        this.callers = callers;
    }

    static boolean deferOutcome(HttpServletRequest request) {
        return SHARES.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (!VALID_KEY.matcher(key).matches()) {
            Problems.write(response, Problems.problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_IDEMPOTENCY_KEY,
                    "Invalid Idempotency-Key", "The key must be 1 to 255 visible ASCII characters"));
            return;
        }
        // Bounded: the shared RequestSizeLimitFilter has refused larger declared bodies and bodies of no declared length.
        byte[] body = request.getInputStream().readAllBytes();
        HttpServletRequest replayable = new CachedBodyRequest(request, body);
        String id = callers.callerOf(request) + "|" + key;
        String fingerprint = fingerprint(request, body);
        IdempotencyStore.Begin begin = store.begin(id, fingerprint);
        if (begin instanceof IdempotencyStore.Reused) {
            Problems.write(response, Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT,
                    ProblemTypes.IDEMPOTENCY_KEY_REUSED, "Idempotency key reused",
                    "This Idempotency-Key was used for a different request"));
        } else if (begin instanceof IdempotencyStore.InFlight) {
            Problems.write(response, Problems.problem(HttpStatus.CONFLICT,
                    ProblemTypes.IDEMPOTENCY_KEY_IN_FLIGHT, "Idempotency key in flight",
                    "A request with this Idempotency-Key is still being processed; retry later"));
        } else if (begin instanceof IdempotencyStore.Replay replay) {
            response.setStatus(replay.status());
            if (replay.contentType() != null) {
                response.setContentType(replay.contentType());
            }
            if (replay.location() != null) {
                response.setHeader("Location", replay.location());
            }
            response.setHeader(REPLAYED_HEADER, "true");
            response.getOutputStream().write(replay.body());
        } else {
            runOnce(replayable, response, chain, id, fingerprint);
        }
    }

    private void runOnce(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String id,
                         String fingerprint) throws IOException, ServletException {
        ContentCachingResponseWrapper recorded = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, recorded);
        } catch (IOException | ServletException | RuntimeException failure) {
            store.abandon(id);
            throw failure;
        }
        if (recorded.getStatus() >= 500) {
            store.abandon(id);
        } else if (deferOutcome(request)) {
            store.completeLater(id, fingerprint, recorded.getStatus(), recorded.getContentType(),
                    recorded.getHeader("Location"), recorded.getContentAsByteArray());
        } else {
            store.complete(id, recorded.getStatus(), recorded.getContentType(), recorded.getHeader("Location"),
                    recorded.getContentAsByteArray());
        }
        recorded.copyBodyToResponse();
    }

    static String fingerprint(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((request.getMethod() + " " + request.getRequestURI() + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
