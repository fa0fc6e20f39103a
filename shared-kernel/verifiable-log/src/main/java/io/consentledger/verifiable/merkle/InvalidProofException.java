package io.consentledger.verifiable.merkle;

/** A proof, a checkpoint or a receipt does not verify. The message says why, for a person to read. */
public class InvalidProofException extends RuntimeException {

    public InvalidProofException(String message) {
        super(message);
    }

    public InvalidProofException(String message, Throwable cause) {
        super(message, cause);
    }
}
