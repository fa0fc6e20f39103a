package io.consentledger.contracts.share;

/** Query: the current balance of a linked account, as known from shares. */
public record FindLinkBalance(String linkId) {
}
