package io.consentledger.contracts.customer;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;

import java.time.Instant;

/**
 * The provider asked for the customer's personal data to be erased. Retention (reference rule 12): authorisation
 * records are kept 3 years after the latest authorisation, so {@code eraseAt} is {@code latestAuthorisationAt} plus
 * 3 years, or {@code requestedAt} when no authorisation is recorded ({@code latestAuthorisationAt} null) or the
 * retention has already ended.
 */
public record CustomerErasureRequested(@NotPersonal String providerId,
                                       @DataSubject String customerId,
                                       @NotPersonal Instant latestAuthorisationAt,
                                       @NotPersonal Instant eraseAt,
                                       @NotPersonal Instant requestedAt) {
}
