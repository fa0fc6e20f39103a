package io.consentledger.contracts.link;

import io.consentledger.contracts.common.AuthorisationEvidence;

import java.time.Instant;

public record BankAccountLinked(String linkId,
                                String customerId,
                                String providerId,
                                String accountId,
                                String currency,
                                AuthorisationEvidence evidence,
                                Instant linkedAt) {
}
