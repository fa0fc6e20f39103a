package io.consentledger.contracts.link;

import io.consentledger.contracts.common.Initiator;

import java.time.Instant;

public record BankAccountUnlinked(String linkId,
                                  String customerId,
                                  String providerId,
                                  Initiator initiator,
                                  Instant unlinkedAt) {
}
