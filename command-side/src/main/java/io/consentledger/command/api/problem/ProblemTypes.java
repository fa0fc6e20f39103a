package io.consentledger.command.api.problem;

import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.security.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.util.Locale;

/**
 * The command side's own problem types, on top of the shared vocabulary ({@link Problems}). Every refusal code has
 * its own stable {@code type} ({@code https://consent-ledger.dev/problems/<code-in-kebab-case>}) and its status: 404
 * for unknown ids, 429 for the frequency limit, 409 for every other rule or conflict.
 */
public final class ProblemTypes {

    public static final String IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused";
    public static final String IDEMPOTENCY_KEY_IN_FLIGHT = "idempotency-key-in-flight";
    public static final String INVALID_IDEMPOTENCY_KEY = "invalid-idempotency-key";

    private ProblemTypes() {
    }

    public static HttpStatus statusOf(RefusalReason reason) {
        return switch (reason) {
            case LINK_UNKNOWN, CONSENT_UNKNOWN, CUSTOMER_UNKNOWN -> HttpStatus.NOT_FOUND;
            case FREQUENCY_EXCEEDED, ONE_OFF_ALREADY_USED -> HttpStatus.TOO_MANY_REQUESTS;
            default -> HttpStatus.CONFLICT;
        };
    }

    public static String slugOf(RefusalReason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ProblemDetail refusal(RefusalReason reason, String detail) {
        return Problems.problem(statusOf(reason), slugOf(reason), titleOf(reason), detail);
    }

    static String titleOf(RefusalReason reason) {
        String words = reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
