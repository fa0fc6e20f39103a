package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;

import java.time.Instant;
import java.util.List;

/** The revocation record (reference rule 9): reason, initiator and time; plus who must be told (rule 10). */
public record ConsentRevoked(String consentId,
                             String recipientId,
                             String customerId,
                             String providerId,
                             List<String> linkIds,
                             RevocationReason reason,
                             Initiator initiator,
                             Instant revokedAt) {
}
