package io.consentledger.query.asof;

import io.consentledger.security.problem.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The problems of a point-in-time answer: 404 {@code checkpoint-not-found} when no signed checkpoint answers the
 * {@code asOf} or {@code asOfSize} asked (none signed yet, none that early, none of that size), 409
 * {@code replay-required} when the read model predates leaf indexes. Ahead of the query side's general advice,
 * which handles everything else.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PointInTimeProblems {

    public static final String CHECKPOINT_NOT_FOUND = "checkpoint-not-found";
    public static final String REPLAY_REQUIRED = "replay-required";

    @ExceptionHandler(CheckpointNotFound.class)
    ResponseEntity<ProblemDetail> checkpointNotFound(CheckpointNotFound e) {
        return Problems.response(HttpStatus.NOT_FOUND, CHECKPOINT_NOT_FOUND, "Checkpoint not found", e.getMessage());
    }

    @ExceptionHandler(ReplayRequired.class)
    ResponseEntity<ProblemDetail> replayRequired(ReplayRequired e) {
        return Problems.response(HttpStatus.CONFLICT, REPLAY_REQUIRED, "Replay required", e.getMessage());
    }
}
