package io.consentledger.contracts.link;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.common.Initiator;

import java.time.Instant;

public record BankAccountUnlinked(@NotPersonal String linkId,
                                  @DataSubject String customerId,
                                  @NotPersonal String providerId,
                                  @NotPersonal Initiator initiator,
                                  @NotPersonal Instant unlinkedAt) {
}
