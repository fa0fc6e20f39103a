package io.consentledger.query.web;

import io.consentledger.security.problem.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;


/**
 * RFC 9457 answers for refused query parameters: 400, the type and {@code code} of the {@link BadParameter.Kind},
 * and the parameter's name (made printable) in {@code parameter}; a declared parameter whose value does not convert
 * is a {@code malformed-parameter} too. Nothing is logged: it is the client's mistake.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ParameterProblems {

    /** A declared parameter whose value does not convert ({@code limit=abc}, {@code after=x}). */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return badParameter(malformedValue(e.getName()));
    }

    /** A field of a filter record whose value does not convert ({@code from=yesterday}, {@code purpose=GOSSIP}). */
    @ExceptionHandler(BindException.class)
    ResponseEntity<ProblemDetail> bindFailure(BindException e) {
        FieldError field = e.getFieldError();
        return badParameter(malformedValue(field == null ? e.getObjectName() : field.getField()));
    }

    private static BadParameter malformedValue(String name) {
        String shown = Printable.of(name);
        return new BadParameter(BadParameter.Kind.MALFORMED, shown, "The value of parameter \"" + shown
                + "\" is not one this endpoint takes");
    }

    @ExceptionHandler(BadParameter.class)
    ResponseEntity<ProblemDetail> badParameter(BadParameter e) {
        ProblemDetail problem = Problems.problem(HttpStatus.BAD_REQUEST, e.kind().type, e.kind().title, e.getMessage());
        problem.setProperty("parameter", e.parameter());
        return Problems.response(problem);
    }
}
