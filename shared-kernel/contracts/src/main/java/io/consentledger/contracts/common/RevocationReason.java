package io.consentledger.contracts.common;

/** Why a consent was revoked. ACCOUNT_UNLINKED is what the ledger records when a link it covers is unlinked. */
public enum RevocationReason {
    CUSTOMER_REQUEST,
    NO_LONGER_NEEDED,
    SUSPECTED_FRAUD,
    PROVIDER_POLICY,
    ACCOUNT_UNLINKED,
    OTHER
}
