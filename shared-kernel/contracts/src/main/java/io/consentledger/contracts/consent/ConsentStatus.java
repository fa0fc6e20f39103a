package io.consentledger.contracts.consent;

/** The reference's lifecycle. REJECTED, REVOKED and EXPIRED are terminal. */
public enum ConsentStatus {
    AWAITING_AUTHORISATION,
    AUTHORISED,
    REJECTED,
    REVOKED,
    EXPIRED;

    public boolean isTerminal() {
        return this == REJECTED || this == REVOKED || this == EXPIRED;
    }
}
