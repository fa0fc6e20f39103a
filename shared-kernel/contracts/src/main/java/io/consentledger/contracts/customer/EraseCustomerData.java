package io.consentledger.contracts.customer;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.privacy.Classification;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the ledger's erasure sweep. Idempotent: a customer whose erasure is not yet due, or already done, ignores
 * it.
 */
public record EraseCustomerData(String providerId, String customerId) {

    public EraseCustomerData {
        Checks.id(providerId, "providerId");
        Checks.id(customerId, "customerId");
    }

    @TargetAggregateIdentifier
    public String subjectId() {
        return Classification.subjectId(providerId, customerId);
    }
}
