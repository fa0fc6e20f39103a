package io.consentledger.eventstore.privacy;

/**
 * A personal field could not be decrypted: the ciphertext was altered, moved to another event or field, or its key
 * is missing. Raised, never swallowed: the event is not delivered with a silently missing value. The message names
 * the event and the field, never a value or a key.
 */
public class PersonalDataException extends IllegalStateException {

    public PersonalDataException(String message) {
        super(message);
    }

    public PersonalDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
