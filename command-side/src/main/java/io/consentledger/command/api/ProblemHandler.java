package io.consentledger.command.api;

import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.security.Callers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every error is an RFC 9457 problem with a stable {@code type}. Bad input is a 4xx, never a 500; problems never
 * echo input values (they may be personal data), only field names.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(LedgerRefusal.class)
    ResponseEntity<ProblemDetail> refused(LedgerRefusal refusal) {
        ProblemDetail problem = ProblemTypes.refusal(refusal.reason(), refusal.getMessage());
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    @ExceptionHandler(Forbidden.class)
    ResponseEntity<ProblemDetail> forbidden(Forbidden forbidden) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(ProblemTypes.problem(HttpStatus.FORBIDDEN,
                ProblemTypes.FORBIDDEN, "Forbidden", forbidden.getMessage()));
    }

    @ExceptionHandler(Callers.NotAuthenticated.class)
    ResponseEntity<ProblemDetail> unauthenticated(Callers.NotAuthenticated unauthenticated) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(ProblemTypes.problem(HttpStatus.UNAUTHORIZED,
                ProblemTypes.UNAUTHENTICATED, "Unauthenticated", "This endpoint needs an authenticated caller"));
    }

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest invalid) {
        return ResponseEntity.badRequest().body(ProblemTypes.problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST,
                "Invalid request", invalid.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception failure) {
        log.error("Unexpected failure handling a command request", failure);
        return ResponseEntity.internalServerError().body(ProblemTypes.problem(HttpStatus.INTERNAL_SERVER_ERROR,
                ProblemTypes.INTERNAL_ERROR, "Internal error", "The request could not be processed"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemTypes.problem(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST,
                "Malformed request", describe(ex));
        return ResponseEntity.badRequest().body(problem);
    }

    /** Spring MVC's own problems (404, 405, 406, 415...) get a type of ours instead of about:blank. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail problem && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String slug = status == HttpStatus.NOT_FOUND ? ProblemTypes.NOT_FOUND
                    : status == null ? "error" : status.name().toLowerCase(Locale.ROOT).replace('_', '-');
            problem.setType(ProblemTypes.typeOf(slug));
            problem.setProperty("code", slug.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    static String describe(HttpMessageNotReadableException ex) {
        Throwable cause = ex.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "Unknown property '" + path(unknown) + "'";
        }
        if (cause instanceof InvalidFormatException invalid && invalid.getTargetType() != null && invalid.getTargetType().isEnum()) {
            return "Field '" + path(invalid) + "' must be one of " + Arrays.toString(invalid.getTargetType().getEnumConstants());
        }
        if (cause instanceof MismatchedInputException mismatched) {
            String path = path(mismatched);
            return path.isEmpty() ? "The body has the wrong shape" : "Field '" + path + "' has the wrong type or format";
        }
        if (cause instanceof StreamReadException) {
            return "The body is not well-formed JSON";
        }
        if (cause instanceof JacksonException jackson && !path(jackson).isEmpty()) {
            return "Field '" + path(jackson) + "' could not be read";
        }
        return "The request body is missing or unreadable";
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        List<JacksonException.Reference> references = e.getPath();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
