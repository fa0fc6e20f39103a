package io.consentledger.query.asof;

/**
 * A point-in-time answer needs the leaf index of every event it folds, and a read model stored before leaf indexes
 * were recorded lacks them; a replay of its processor adds them. Answered 409 {@code replay-required}.
 */
public class ReplayRequired extends RuntimeException {

    public ReplayRequired(String message) {
        super(message);
    }
}
