package io.consentledger.contracts.customer;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;

import java.time.Instant;

/**
 * The customer's data key was destroyed: every personal field of the customer's events now reads as erased. Who saw
 * what, when, under which consent and for which purpose stays.
 */
public record CustomerDataErased(@NotPersonal String providerId,
                                 @DataSubject String customerId,
                                 @NotPersonal Instant erasedAt) {
}
