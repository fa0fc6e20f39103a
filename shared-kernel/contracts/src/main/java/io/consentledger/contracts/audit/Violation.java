package io.consentledger.contracts.audit;

import java.time.Instant;

/**
 * A share that the events show fell outside its consent.
 *
 * @param rule one of {@link ComplianceRule}
 */
public record Violation(String eventId, long globalPosition, String rule, String detail, String shareId,
                        String consentId, String linkId, String recipientId, String customerId, Instant sharedAt) {
}
