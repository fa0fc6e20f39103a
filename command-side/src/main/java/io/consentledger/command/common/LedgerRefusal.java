package io.consentledger.command.common;

import io.consentledger.contracts.common.RefusalReason;

import java.util.Optional;

/**
 * A command the ledger refuses because a rule forbids it. Thrown before anything is applied, so a refusal never
 * leaves a partial effect. The message names ids and rules only, never personal data.
 */
public class LedgerRefusal extends RuntimeException {

    private final RefusalReason reason;

    public LedgerRefusal(RefusalReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }

    public static LedgerRefusal of(RefusalReason reason, String message) {
        return new LedgerRefusal(reason, message);
    }

    /** The refusal somewhere in {@code failure}'s cause chain (Axon wraps a handler's exception), if there is one. */
    public static Optional<LedgerRefusal> in(Throwable failure) {
        return Causes.find(failure, LedgerRefusal.class);
    }
}
