package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Checks;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The provider records the customer's authorisation, with its evidence. */
public record AuthoriseConsent(@TargetAggregateIdentifier String consentId, AuthorisationEvidence evidence) {

    public AuthoriseConsent {
        Checks.id(consentId, "consentId");
        Checks.required(evidence, "evidence");
    }
}
