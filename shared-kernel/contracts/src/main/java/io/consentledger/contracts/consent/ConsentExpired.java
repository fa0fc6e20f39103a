package io.consentledger.contracts.consent;

import java.time.Instant;
import java.util.List;

/** The consent passed its {@code expiresAt}; {@code recordedAt} is when the ledger noticed (within about a minute). */
public record ConsentExpired(String consentId,
                             String recipientId,
                             String customerId,
                             String providerId,
                             List<String> linkIds,
                             Instant expiresAt,
                             Instant recordedAt) {
}
