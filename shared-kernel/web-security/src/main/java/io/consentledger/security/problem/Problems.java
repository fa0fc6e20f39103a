package io.consentledger.security.problem;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ledger's one RFC 9457 writer and its shared vocabulary. Every problem has a stable {@code type}
 * ({@code https://consent-ledger.dev/problems/<slug>}), a title, the status, a detail, and a {@code code} (the slug
 * in upper snake case: {@code invalid-request} is {@code INVALID_REQUEST}). Controller advice returns
 * {@link #response}; servlet filters, which advice does not reach, use {@link #write}, which serialises with Jackson.
 * <p>
 * Bad requests have two slugs on both applications: {@link #MALFORMED_REQUEST} when the request cannot be read
 * (not JSON, a wrong type, an unknown property, an unreadable parameter or URL) and {@link #INVALID_REQUEST} when it
 * was read but breaks a rule (a missing field, a bad id, an empty list).
 */
public final class Problems {

    public static final String BASE = "https://consent-ledger.dev/problems/";

    public static final String MALFORMED_REQUEST = "malformed-request";
    public static final String INVALID_REQUEST = "invalid-request";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not-found";
    public static final String LENGTH_REQUIRED = "length-required";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    public static final String RATE_LIMITED = "rate-limited";
    public static final String INTERNAL_ERROR = "internal-error";
    /** A request body that did not arrive within the arrival bound (408). */
    public static final String REQUEST_TIMEOUT = "request-timeout";
    /** Every worker the API may use is busy (503): health keeps its own. */
    public static final String SERVICE_UNAVAILABLE = "service-unavailable";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    public static URI typeOf(String slug) {
        return URI.create(BASE + slug);
    }

    /** {@code invalid-request} is {@code INVALID_REQUEST}. */
    public static String codeOf(String slug) {
        return slug.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code 405 METHOD_NOT_ALLOWED} is {@code method-not-allowed}: the slug of a status without one of its own. */
    public static String slugOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == HttpStatus.NOT_FOUND) {
            return NOT_FOUND;
        }
        if (known == HttpStatus.BAD_REQUEST) {
            return MALFORMED_REQUEST;
        }
        return known == null ? "error" : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ProblemDetail problem(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(typeOf(slug));
        problem.setTitle(title);
        problem.setProperty("code", codeOf(slug));
        return problem;
    }

    /** Gives a problem without a type of ours (Spring MVC's own: {@code about:blank}) one, and its code. */
    public static ProblemDetail typed(ProblemDetail problem, String slug) {
        if (problem.getType() == null || URI.create("about:blank").equals(problem.getType())) {
            problem.setType(typeOf(slug));
            problem.setProperty("code", codeOf(slug));
        }
        return problem;
    }

    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    public static ResponseEntity<ProblemDetail> response(HttpStatusCode status, String slug, String title, String detail) {
        return response(problem(status, slug, title, detail));
    }

    /** Writes a problem from a servlet filter. Does nothing once the response is committed. */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsBytes(fields(problem)));
    }

    /** The problem as JSON text, for writers outside Spring (the container's error report). */
    public static String json(ProblemDetail problem) {
        return JSON.writeValueAsString(fields(problem));
    }

    private static Map<String, Object> fields(ProblemDetail problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }

    public static void write(HttpServletResponse response, HttpStatusCode status, String slug, String title,
                             String detail) throws IOException {
        write(response, problem(status, slug, title, detail));
    }
}
