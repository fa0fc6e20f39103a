package io.consentledger.query.web;

import io.consentledger.security.problem.Causes;
import io.consentledger.security.problem.LedgerProblemHandler;
import io.consentledger.security.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.Optional;

/**
 * RFC 9457 problem details for the query side, in the ledger's shared vocabulary ({@link Problems}): a parameter
 * that breaks a rule is 400 {@code invalid-request}, an unreadable one 400 {@code malformed-request}, unknown ids
 * 404 {@code not-found}; anything unexpected is a 500 that names no class, no stack trace and no internal id. What
 * both applications share is in {@link LedgerProblemHandler}.
 */
@RestControllerAdvice
public class QueryProblems extends LedgerProblemHandler {

    public QueryProblems() {
        super("The query could not be answered. It has been logged.");
    }

    /** Thrown by controllers for an id that is unknown (or not the caller's). */
    public static class NotFound extends RuntimeException {
        public NotFound(String what) {
            super(what);
        }
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound e) {
        return Problems.response(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return Problems.response(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", e.getMessage());
    }

    @ExceptionHandler({java.util.concurrent.CompletionException.class,
            org.axonframework.queryhandling.QueryExecutionException.class})
    ResponseEntity<ProblemDetail> fromQueryBus(RuntimeException e) {
        Optional<IllegalArgumentException> illegal = Causes.find(e.getCause(), IllegalArgumentException.class);
        Optional<NotFound> notFound = Causes.find(e.getCause(), NotFound.class);
        return illegal.map(this::badRequest).or(() -> notFound.map(this::notFound)).orElseGet(() -> unexpected(e));
    }
}
