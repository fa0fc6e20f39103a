package io.consentledger.contracts.link;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.Personal;
import io.consentledger.contracts.common.AuthorisationEvidence;

import java.time.Instant;

public record BankAccountLinked(@NotPersonal String linkId,
                                @DataSubject String customerId,
                                @NotPersonal String providerId,
                                @Personal String accountId,
                                @NotPersonal String currency,
                                @Personal AuthorisationEvidence evidence,
                                @NotPersonal Instant linkedAt) {
}
