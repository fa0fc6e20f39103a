package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.common.Initiator;

import java.time.Instant;

public record ConsentRejected(@NotPersonal String consentId,
                              @NotPersonal String recipientId,
                              @DataSubject String customerId,
                              @NotPersonal String providerId,
                              @NotPersonal Initiator initiator,
                              @NotPersonal Instant rejectedAt) {
}
