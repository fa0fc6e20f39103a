package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.Initiator;

import java.time.Instant;

public record ConsentRejected(String consentId,
                              String recipientId,
                              String customerId,
                              String providerId,
                              Initiator initiator,
                              Instant rejectedAt) {
}
