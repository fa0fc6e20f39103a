package io.consentledger.security;

/**
 * The kinds of caller. PROVIDER and RECIPIENT are bound to an id (their providerId or recipientId); AUDITOR and
 * OPERATOR act for the ledger's oversight and operations and need no id.
 */
public enum Party {
    /** A bank: links its customers' accounts, authorises and shares under consents on its own links. */
    PROVIDER,
    /** A data recipient: requests and revokes its own consents, reads what its consents allow. */
    RECIPIENT,
    /** Reads every history on the query side; sends no commands. */
    AUDITOR,
    /** Dead-letter queue, replays and metrics; no business data. */
    OPERATOR;

    public boolean needsId() {
        return this == PROVIDER || this == RECIPIENT;
    }

    public String role() {
        return "ROLE_" + name();
    }
}
