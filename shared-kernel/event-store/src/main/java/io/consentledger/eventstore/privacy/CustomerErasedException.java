package io.consentledger.eventstore.privacy;

/**
 * New personal data of a customer whose data was erased: refused, because a key is never re-created for an erased
 * customer.
 */
public class CustomerErasedException extends IllegalStateException {

    private final String subjectId;

    public CustomerErasedException(String subjectId) {
        super("The customer's personal data was erased; no new personal data is stored for it");
        this.subjectId = subjectId;
    }

    /** {@code providerId/customerId}. */
    public String subjectId() {
        return subjectId;
    }
}
