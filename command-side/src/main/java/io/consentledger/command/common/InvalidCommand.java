package io.consentledger.command.common;

/**
 * A command whose content breaks a rule that needs the ledger's clock or state to check (an instant too far in the
 * future, a fixed window out of reach), found by an aggregate before anything is applied. Answered like any other
 * read-but-invalid request: 400 {@code invalid-request}. The message names fields, never values.
 */
public class InvalidCommand extends RuntimeException {

    public InvalidCommand(String message) {
        super(message, null, false, false);
    }
}
