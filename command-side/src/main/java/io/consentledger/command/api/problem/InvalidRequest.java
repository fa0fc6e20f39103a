package io.consentledger.command.api.problem;

/** A well-formed JSON request whose content breaks a structural rule (missing field, bad id, empty list...): 400 {@code invalid-request}. */
public class InvalidRequest extends RuntimeException {

    public InvalidRequest(String message) {
        super(message, null, false, false);
    }
}
