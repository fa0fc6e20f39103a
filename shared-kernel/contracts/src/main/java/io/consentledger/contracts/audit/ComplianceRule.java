package io.consentledger.contracts.audit;

/** What the compliance check verifies for every share, from the events alone. */
public enum ComplianceRule {
    /** No consent with that id was ever requested. */
    UNKNOWN_CONSENT,
    /** Shared while the consent awaited authorisation. */
    SHARED_BEFORE_AUTHORISATION,
    /** Shared at or after a revocation. */
    SHARED_AFTER_REVOCATION,
    /** Shared after the consent was rejected. */
    SHARED_AFTER_REJECTION,
    /** Shared at or after the consent's expiry instant, or after ConsentExpired. */
    SHARED_AFTER_EXPIRY,
    /** Shared after the account link was unlinked. */
    SHARED_AFTER_UNLINK,
    /** The share names a recipient other than the consent's. */
    RECIPIENT_MISMATCH,
    /** The purpose was not granted, or is prohibited (advertising, cross-selling, data sale). */
    PURPOSE_NOT_GRANTED,
    /** The data cluster was not granted. */
    SCOPE_NOT_GRANTED,
    /** The link is not one of the consent's links. */
    LINK_NOT_IN_CONSENT,
    /** A transaction was booked outside the consent's window as it applied at the time of the share. */
    OUTSIDE_WINDOW,
    /** Under TRANSACTIONS_VIA_RECIPIENT, a transaction did not go through the recipient's channel. */
    CHANNEL_NOT_RECIPIENT,
    /** More shares than the consent's access frequency allows (one-off, or N per UTC day). */
    FREQUENCY_EXCEEDED
}
