package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Checks;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** The customer renews an authorised consent with a new expiry, with evidence of the new authorisation. */
public record ReauthoriseConsent(@TargetAggregateIdentifier String consentId,
                                 Instant expiresAt,
                                 AuthorisationEvidence evidence) {

    public ReauthoriseConsent {
        Checks.id(consentId, "consentId");
        Checks.required(expiresAt, "expiresAt");
        Checks.required(evidence, "evidence");
    }
}
