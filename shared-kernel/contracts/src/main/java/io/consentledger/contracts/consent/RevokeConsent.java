package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeConsent(@TargetAggregateIdentifier String consentId, RevocationReason reason, Initiator initiator) {

    public RevokeConsent {
        Checks.id(consentId, "consentId");
        Checks.required(reason, "reason");
        Checks.required(initiator, "initiator");
    }
}
