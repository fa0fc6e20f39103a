package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AuthorisationEvidence;

import java.time.Instant;

public record ConsentReauthorised(String consentId,
                                  String recipientId,
                                  String customerId,
                                  String providerId,
                                  AuthorisationEvidence evidence,
                                  Instant previousExpiresAt,
                                  Instant expiresAt,
                                  Instant reauthorisedAt) {
}
