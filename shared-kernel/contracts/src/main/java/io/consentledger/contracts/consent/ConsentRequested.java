package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A consent was requested; it now awaits authorisation. {@code scopes} holds the requested scopes plus the basic
 * scopes they imply (see {@link Scope#withImplied}); {@code requestedScopes} holds them as asked.
 */
public record ConsentRequested(String consentId,
                               String recipientId,
                               String customerId,
                               String providerId,
                               List<ConsentedLink> links,
                               Set<Scope> requestedScopes,
                               Set<Scope> scopes,
                               Set<Purpose> purposes,
                               Instant expiresAt,
                               TransactionWindow window,
                               AccessFrequency frequency,
                               Instant requestedAt) {
}
