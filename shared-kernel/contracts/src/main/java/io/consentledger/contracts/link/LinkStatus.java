package io.consentledger.contracts.link;

public enum LinkStatus {
    LINKED,
    UNLINKED
}
