package io.consentledger.contracts.audit;

import java.time.Instant;
import java.util.List;

/** A recipient that saw a customer's data in a period: for which purposes and scopes, how often, first and last. */
public record RecipientAccess(String recipientId, List<String> purposes, List<String> scopes, List<String> consentIds,
                              long shares, Instant firstSharedAt, Instant lastSharedAt) {
}
