package io.consentledger.security.problem;

import io.consentledger.security.Callers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * What both applications' controller advice shares: an unauthenticated caller is 401, an unreadable body 400
 * {@code malformed-request} naming the field (never its value), Spring MVC's own problems (404, 405, 406, 415, a bad
 * parameter) get a type and code of ours, and anything unexpected is a 500 {@code internal-error} that names no class.
 * Each application subclasses it with {@code @RestControllerAdvice} and adds its own exceptions.
 */
public abstract class LedgerProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(LedgerProblemHandler.class);

    private final String unexpectedDetail;

    protected LedgerProblemHandler(String unexpectedDetail) {
        this.unexpectedDetail = unexpectedDetail;
    }

    @ExceptionHandler(Callers.NotAuthenticated.class)
    protected ResponseEntity<ProblemDetail> unauthenticated(Callers.NotAuthenticated unauthenticated) {
        return Problems.response(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED, "Unauthenticated",
                "This endpoint needs an authenticated caller");
    }

    @ExceptionHandler(Exception.class)
    protected ResponseEntity<ProblemDetail> unexpected(Exception failure) {
        log.error("Unexpected failure handling a request", failure);
        return Problems.response(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL_ERROR, "Internal error",
                unexpectedDetail);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (Causes.find(ex, SocketTimeoutException.class).isPresent()) {
            // the body did not arrive in time (the container's read timeout, or RequestArrivalFilter's bound)
            return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT).header(HttpHeaders.CONNECTION, "close")
                                 .body(Problems.problem(HttpStatus.REQUEST_TIMEOUT, Problems.REQUEST_TIMEOUT,
                                         "Request timeout", "The request body did not arrive in time"));
        }
        return ResponseEntity.badRequest().body(Problems.problem(HttpStatus.BAD_REQUEST, Problems.MALFORMED_REQUEST,
                "Malformed request", describe(ex)));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse response) {
            // Spring MVC's own errors (404 no resource, 405, 406, 415, ...) come with no body: take theirs, and type it
            body = response.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
        }
        if (body instanceof ProblemDetail problem) {
            // read but breaking a rule: invalid; a value that could not even be converted (a binding failure): malformed
            boolean invalid = ex instanceof HandlerMethodValidationException
                    || ex instanceof MethodArgumentNotValidException notValid
                       && notValid.getBindingResult().getFieldErrors().stream().noneMatch(FieldError::isBindingFailure);
            Problems.typed(problem, invalid ? Problems.INVALID_REQUEST : Problems.slugOf(statusCode));
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    /** What was wrong with an unreadable body, by field name; never the value (it may be personal data). */
    public static String describe(HttpMessageNotReadableException ex) {
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
        for (JacksonException.Reference reference : e.getPath()) {
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
