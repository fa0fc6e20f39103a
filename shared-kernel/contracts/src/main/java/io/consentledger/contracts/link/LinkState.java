package io.consentledger.contracts.link;

/** The command API's answer to a link or unlink: the link and its status now. */
public record LinkState(String linkId, LinkStatus status) {
}
