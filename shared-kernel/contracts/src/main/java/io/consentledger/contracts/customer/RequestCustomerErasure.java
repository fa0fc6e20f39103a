package io.consentledger.contracts.customer;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.privacy.Classification;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The customer's provider asks the ledger to forget the customer's personal data (GDPR Art. 17). */
public record RequestCustomerErasure(String providerId, String customerId) {

    public RequestCustomerErasure {
        Checks.id(providerId, "providerId");
        Checks.id(customerId, "customerId");
    }

    /** The customer aggregate's id: {@code providerId/customerId}. */
    @TargetAggregateIdentifier
    public String subjectId() {
        return Classification.subjectId(providerId, customerId);
    }
}
