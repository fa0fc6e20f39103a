package io.consentledger.contracts.share;

/** The command API's answer to a recorded balance share. */
public record BalanceShareRecorded(String shareId, String consentId, String linkId) {
}
