package io.consentledger.command.api.problem;

import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.InvalidCommand;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.security.problem.LedgerProblemHandler;
import io.consentledger.security.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every error of the command API is an RFC 9457 problem with a stable {@code type} and {@code code}. Bad input is a
 * 4xx, never a 500; problems never echo input values (they may be personal data), only field names. What both
 * applications share (401, malformed bodies, Spring MVC's own errors, 500) is in {@link LedgerProblemHandler}.
 */
@RestControllerAdvice
public class ProblemHandler extends LedgerProblemHandler {

    public ProblemHandler() {
        super("The request could not be processed");
    }

    @ExceptionHandler(LedgerRefusal.class)
    ResponseEntity<ProblemDetail> refused(LedgerRefusal refusal) {
        return Problems.response(ProblemTypes.refusal(refusal.reason(), refusal.getMessage()));
    }

    @ExceptionHandler(Forbidden.class)
    ResponseEntity<ProblemDetail> forbidden(Forbidden forbidden) {
        return Problems.response(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", forbidden.getMessage());
    }

    @ExceptionHandler(InvalidCommand.class)
    ResponseEntity<ProblemDetail> invalid(InvalidCommand invalid) {
        return Problems.response(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", invalid.getMessage());
    }

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest invalid) {
        return Problems.response(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", invalid.getMessage());
    }
}
