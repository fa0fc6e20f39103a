package io.consentledger.contracts.link;

import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.CurrencyCode;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A provider (bank) links a customer's account, on the strength of the customer's authorisation. */
public record LinkBankAccount(@TargetAggregateIdentifier String linkId,
                              String customerId,
                              String providerId,
                              String accountId,
                              String currency,
                              AuthorisationEvidence evidence) {

    public LinkBankAccount {
        Checks.id(linkId, "linkId");
        Checks.id(customerId, "customerId");
        Checks.id(providerId, "providerId");
        Checks.id(accountId, "accountId");
        CurrencyCode.iso(currency, "currency");
        Checks.required(evidence, "evidence");
    }
}
