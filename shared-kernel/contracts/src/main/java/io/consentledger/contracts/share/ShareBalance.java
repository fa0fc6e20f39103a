package io.consentledger.contracts.share;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Money;
import io.consentledger.contracts.common.Purpose;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.math.BigDecimal;
import java.time.Instant;

/** A provider shares a link's balance with the consent's recipient. {@code shareId} names this access. */
public record ShareBalance(@TargetAggregateIdentifier String consentId,
                           String shareId,
                           String linkId,
                           BigDecimal amount,
                           String currency,
                           Instant asOf,
                           Purpose purpose) {

    public ShareBalance {
        Checks.id(consentId, "consentId");
        Checks.id(shareId, "shareId");
        Checks.id(linkId, "linkId");
        Money.amount(amount, currency, "amount");
        Checks.required(asOf, "asOf");
        Checks.required(purpose, "purpose");
    }
}
