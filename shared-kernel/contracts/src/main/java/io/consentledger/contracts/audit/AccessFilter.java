package io.consentledger.contracts.audit;

import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;

import java.time.Instant;

/** Which access records an auditor asks for. Every field is optional; {@code from} inclusive, {@code to} exclusive. */
public record AccessFilter(String customerId, String linkId, String recipientId, String providerId, String consentId,
                           Purpose purpose, Scope scope, Instant from, Instant to) {

    public static AccessFilter none() {
        return new AccessFilter(null, null, null, null, null, null, null, null, null);
    }
}
