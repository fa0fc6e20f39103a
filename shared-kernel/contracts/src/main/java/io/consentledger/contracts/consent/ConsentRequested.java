package io.consentledger.contracts.consent;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.PartlyPersonal;
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
public record ConsentRequested(@NotPersonal String consentId,
                               @NotPersonal String recipientId,
                               @DataSubject String customerId,
                               @NotPersonal String providerId,
                               @PartlyPersonal List<ConsentedLink> links,
                               @NotPersonal Set<Scope> requestedScopes,
                               @NotPersonal Set<Scope> scopes,
                               @NotPersonal Set<Purpose> purposes,
                               @NotPersonal Instant expiresAt,
                               @NotPersonal TransactionWindow window,
                               @NotPersonal AccessFrequency frequency,
                               @NotPersonal Instant requestedAt) {
}
