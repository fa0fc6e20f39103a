package io.consentledger.command.config;

public final class ProcessingGroups {

    public static final String CONSENT_EXPIRY = "consent-expiry";
    public static final String LINK_CONSENTS = "link-consents";

    private ProcessingGroups() {
    }
}
