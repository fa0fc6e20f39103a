package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import java.time.Instant;
import java.util.List;

/** The consent passed its {@code expiresAt}; {@code recordedAt} is when the ledger noticed (within about a minute). */
public record ConsentExpired(@NotPersonal String consentId,
                             @NotPersonal String recipientId,
                             @DataSubject String customerId,
                             @NotPersonal String providerId,
                             @NotPersonal List<String> linkIds,
                             @NotPersonal Instant expiresAt,
                             @NotPersonal Instant recordedAt) {
}
