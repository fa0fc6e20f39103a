package io.consentledger.query.asof;

/** No signed checkpoint answers the {@code asOf} or {@code asOfSize} asked. Answered 404 {@code checkpoint-not-found}. */
public class CheckpointNotFound extends RuntimeException {

    public CheckpointNotFound(String message) {
        super(message);
    }
}
