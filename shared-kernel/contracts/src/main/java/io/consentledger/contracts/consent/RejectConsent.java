package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Initiator;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The customer (through the provider) or the provider refuses a consent awaiting authorisation. */
public record RejectConsent(@TargetAggregateIdentifier String consentId, Initiator initiator) {

    public RejectConsent {
        Checks.id(consentId, "consentId");
        Checks.required(initiator, "initiator");
        if (initiator != Initiator.CUSTOMER && initiator != Initiator.PROVIDER) {
            throw new IllegalArgumentException("initiator of a rejection must be CUSTOMER or PROVIDER");
        }
    }
}
