package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;

import java.time.Instant;
import java.util.List;

/** The revocation record (reference rule 9): reason, initiator and time; plus who must be told (rule 10). */
public record ConsentRevoked(@NotPersonal String consentId,
                             @NotPersonal String recipientId,
                             @DataSubject String customerId,
                             @NotPersonal String providerId,
                             @NotPersonal List<String> linkIds,
                             @NotPersonal RevocationReason reason,
                             @NotPersonal Initiator initiator,
                             @NotPersonal Instant revokedAt) {
}
