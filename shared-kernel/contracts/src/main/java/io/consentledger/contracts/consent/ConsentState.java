package io.consentledger.contracts.consent;

/** The command API's answer to a command on a consent: the consent and its status now. */
public record ConsentState(String consentId, ConsentStatus status) {
}
