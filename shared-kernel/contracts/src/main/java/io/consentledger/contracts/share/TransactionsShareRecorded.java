package io.consentledger.contracts.share;

import java.util.List;

/**
 * The command API's answer to a recorded transactions share: every transaction id shared, and those shared for the
 * first time under this consent.
 */
public record TransactionsShareRecorded(String shareId, String consentId, String linkId, List<String> transactionIds,
                                        List<String> newTransactionIds) {
}
