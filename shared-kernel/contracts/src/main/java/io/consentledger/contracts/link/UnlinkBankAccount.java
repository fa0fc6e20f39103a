package io.consentledger.contracts.link;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Initiator;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The customer or the provider ends a link. Every consent covering it is then revoked by the ledger. */
public record UnlinkBankAccount(@TargetAggregateIdentifier String linkId, Initiator initiator) {

    public UnlinkBankAccount {
        Checks.id(linkId, "linkId");
        Checks.required(initiator, "initiator");
        if (initiator != Initiator.CUSTOMER && initiator != Initiator.PROVIDER) {
            throw new IllegalArgumentException("initiator of an unlink must be CUSTOMER or PROVIDER");
        }
    }
}
