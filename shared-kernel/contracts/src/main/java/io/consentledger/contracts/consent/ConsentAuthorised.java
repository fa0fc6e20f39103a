package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AuthorisationEvidence;

import java.time.Instant;

public record ConsentAuthorised(String consentId,
                                String recipientId,
                                String customerId,
                                String providerId,
                                AuthorisationEvidence evidence,
                                Instant expiresAt,
                                Instant authorisedAt) {
}
