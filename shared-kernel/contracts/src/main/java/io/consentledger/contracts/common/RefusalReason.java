package io.consentledger.contracts.common;

/**
 * Why the ledger refused a command: a stable code per rule, shared by both sides and by clients. How each maps to
 * an HTTP problem is the command side's business (see docs/domain.md).
 */
public enum RefusalReason {
    // unknown ids
    LINK_UNKNOWN,
    CONSENT_UNKNOWN,
    // conflicts
    ALREADY_EXISTS,
    CONCURRENT_MODIFICATION,
    // link status
    LINK_UNLINKED,
    LINKS_OF_DIFFERENT_OWNERS,
    // consent status
    CONSENT_NOT_AUTHORISED,
    CONSENT_NOT_AWAITING_AUTHORISATION,
    CONSENT_REJECTED,
    CONSENT_REVOKED,
    CONSENT_EXPIRED,
    // consent bounds
    SCOPE_NOT_GRANTED,
    PURPOSE_NOT_GRANTED,
    LINK_NOT_IN_CONSENT,
    TRANSACTION_NOT_VIA_RECIPIENT,
    OUTSIDE_TRANSACTION_WINDOW,
    // expiry limits
    EXPIRY_IN_PAST,
    EXPIRY_TOO_FAR,
    // frequency
    FREQUENCY_EXCEEDED,
    ONE_OFF_ALREADY_USED,
    // purpose limitation
    PROHIBITED_PURPOSE,
    // money
    CURRENCY_MISMATCH,
    // erasure (issue 16)
    CUSTOMER_UNKNOWN,
    CUSTOMER_ERASED
}
