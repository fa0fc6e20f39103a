package io.consentledger.contracts.audit;

import java.time.Instant;

/**
 * A share that the events show fell outside its consent.
 *
 * @param rule   one of {@link ComplianceRule}
 * @param erased true once the customer's personal data is erased (issue 16): the finding stays, and a detail that
 *               named transactions or their booking times is replaced
 */
public record Violation(String eventId, long globalPosition, String rule, String detail, String shareId,
                        String consentId, String linkId, String recipientId, String customerId, Instant sharedAt,
                        boolean erased) {
}
