package io.consentledger.query.notification.api;

import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.address.WebhookUrlRefused;
import io.consentledger.query.notification.delivery.InvalidWebhookRequest;
import io.consentledger.query.notification.feed.InvalidFeedCursor;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * The notification endpoints' own refusals, as RFC 9457 problems through the shared writer ({@link Problems}), each
 * with the stable code of its exception as the type's slug: {@code webhook-url-*}, {@code webhook-events-invalid}
 * (400), {@code webhook-limit-reached} (409), {@code delivery-not-retryable} (409), {@code feed-cursor-invalid} (400). They change nothing. Everything else
 * (unknown ids, bad parameters) is answered by {@link QueryProblems}.
 */
abstract class NotificationProblems {

    @ExceptionHandler(WebhookUrlRefused.class)
    ResponseEntity<ProblemDetail> urlRefused(WebhookUrlRefused e) {
        return Problems.response(HttpStatus.BAD_REQUEST, e.code(), "Webhook URL refused", e.getMessage());
    }

    @ExceptionHandler(InvalidWebhookRequest.class)
    ResponseEntity<ProblemDetail> invalidWebhook(InvalidWebhookRequest e) {
        HttpStatus status = InvalidWebhookRequest.LIMIT_REACHED.equals(e.code())
                ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
        return Problems.response(status, e.code(), "Invalid webhook request", e.getMessage());
    }

    @ExceptionHandler(InvalidFeedCursor.class)
    ResponseEntity<ProblemDetail> invalidCursor(InvalidFeedCursor e) {
        return Problems.response(HttpStatus.BAD_REQUEST, e.code(), "Invalid cursor", e.getMessage());
    }

    @ExceptionHandler(NotRetryable.class)
    ResponseEntity<ProblemDetail> notRetryable(NotRetryable e) {
        return Problems.response(HttpStatus.CONFLICT, NotRetryable.CODE, "Delivery not retryable", e.getMessage());
    }

    /** A manual retry of a delivery that was not given up (pending or delivered). */
    static class NotRetryable extends RuntimeException {
        static final String CODE = "delivery-not-retryable";

        NotRetryable(String message) {
            super(message, null, false, false);
        }
    }

    /** The calling provider or recipient; the security rules let no one else reach the endpoints that ask. */
    static Subscriber subscriber() {
        Caller caller = Callers.required();
        return Subscriber.of(caller).orElseThrow(() -> new QueryProblems.NotFound("No webhooks for this caller"));
    }

    static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new IllegalArgumentException("limit must be between 1 and " + max);
        }
        return limit;
    }
}
