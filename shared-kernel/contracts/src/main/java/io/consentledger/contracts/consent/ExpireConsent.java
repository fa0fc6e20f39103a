package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.Checks;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the ledger's expiry sweeper. Idempotent: a consent not yet due, or already terminal, ignores it.
 */
public record ExpireConsent(@TargetAggregateIdentifier String consentId) {

    public ExpireConsent {
        Checks.id(consentId, "consentId");
    }
}
