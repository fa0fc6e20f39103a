package io.consentledger.query.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;

/**
 * RFC 9457 problem details for the query side. Malformed parameters are 400, unknown ids 404; anything unexpected is a
 * 500 that names no class, no stack trace and no internal id.
 */
@RestControllerAdvice
public class QueryProblems extends ResponseEntityExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(QueryProblems.class);
    public static final String TYPE_BASE = "https://consent-ledger.dev/problems/";

    /** Thrown by controllers for an id that is unknown (or not the caller's). */
    public static class NotFound extends RuntimeException {
        public NotFound(String what) {
            super(what);
        }
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    @ExceptionHandler(io.consentledger.security.Callers.NotAuthenticated.class)
    ResponseEntity<ProblemDetail> unauthenticated(RuntimeException e) {
        return problem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated",
                       "This endpoint needs an authenticated caller");
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
    }

    @ExceptionHandler({java.util.concurrent.CompletionException.class,
            org.axonframework.queryhandling.QueryExecutionException.class})
    ResponseEntity<ProblemDetail> fromQueryBus(RuntimeException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException illegal) {
                return badRequest(illegal);
            }
            if (cause instanceof NotFound notFound) {
                return notFound(notFound);
            }
        }
        return unexpected(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        logger.error("Unexpected error answering a query", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                       "The query could not be answered. It has been logged.");
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                             .body(problem);
    }
}
