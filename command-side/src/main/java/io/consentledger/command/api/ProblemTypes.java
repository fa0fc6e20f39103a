package io.consentledger.command.api;

import io.consentledger.contracts.common.RefusalReason;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.Locale;

/**
 * RFC 9457 problem types. Every refusal code has its own stable {@code type}
 * ({@code https://consent-ledger.dev/problems/<code-in-kebab-case>}) and its status: 404 for unknown ids, 429 for
 * the frequency limit, 409 for every other rule or conflict.
 */
public final class ProblemTypes {

    public static final String BASE = "https://consent-ledger.dev/problems/";

    public static final String MALFORMED_REQUEST = "malformed-request";
    public static final String INVALID_REQUEST = "invalid-request";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    public static final String IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused";
    public static final String IDEMPOTENCY_KEY_IN_FLIGHT = "idempotency-key-in-flight";
    public static final String INVALID_IDEMPOTENCY_KEY = "invalid-idempotency-key";
    public static final String NOT_FOUND = "not-found";
    public static final String INTERNAL_ERROR = "internal-error";
    public static final String FORBIDDEN = "forbidden";
    public static final String UNAUTHENTICATED = "unauthenticated";

    private ProblemTypes() {
    }

    public static HttpStatus statusOf(RefusalReason reason) {
        return switch (reason) {
            case LINK_UNKNOWN, CONSENT_UNKNOWN -> HttpStatus.NOT_FOUND;
            case FREQUENCY_EXCEEDED, ONE_OFF_ALREADY_USED -> HttpStatus.TOO_MANY_REQUESTS;
            default -> HttpStatus.CONFLICT;
        };
    }

    public static String slugOf(RefusalReason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static URI typeOf(String slug) {
        return URI.create(BASE + slug);
    }

    public static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(typeOf(slug));
        problem.setTitle(title);
        problem.setProperty("code", slug.toUpperCase(Locale.ROOT).replace('-', '_'));
        return problem;
    }

    public static ProblemDetail refusal(RefusalReason reason, String detail) {
        return problem(statusOf(reason), slugOf(reason), titleOf(reason), detail);
    }

    static String titleOf(RefusalReason reason) {
        String words = reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
