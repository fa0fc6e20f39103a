package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.Personal;
import io.consentledger.contracts.common.AuthorisationEvidence;

import java.time.Instant;

public record ConsentReauthorised(@NotPersonal String consentId,
                                  @NotPersonal String recipientId,
                                  @DataSubject String customerId,
                                  @NotPersonal String providerId,
                                  @Personal AuthorisationEvidence evidence,
                                  @NotPersonal Instant previousExpiresAt,
                                  @NotPersonal Instant expiresAt,
                                  @NotPersonal Instant reauthorisedAt) {
}
