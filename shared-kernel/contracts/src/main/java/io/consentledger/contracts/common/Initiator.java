package io.consentledger.contracts.common;

/** Who caused a state change. SYSTEM is the ledger itself (for example after an unlink). */
public enum Initiator {
    CUSTOMER,
    RECIPIENT,
    PROVIDER,
    SYSTEM
}
