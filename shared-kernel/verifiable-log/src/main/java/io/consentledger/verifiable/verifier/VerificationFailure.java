package io.consentledger.verifiable.verifier;

/** A check of the offline verifier failed; the message names the position or the check, for a person to read. */
public class VerificationFailure extends RuntimeException {

    public VerificationFailure(String message) {
        super(message);
    }
}
