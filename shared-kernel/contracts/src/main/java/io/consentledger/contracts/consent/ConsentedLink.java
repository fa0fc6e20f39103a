package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.Personal;

/** A link a consent covers, with what the ledger knew of it when the consent was requested. */
public record ConsentedLink(@NotPersonal String linkId,
                            @NotPersonal String customerId,
                            @NotPersonal String providerId,
                            @Personal String accountId,
                            @NotPersonal String currency) {
}
