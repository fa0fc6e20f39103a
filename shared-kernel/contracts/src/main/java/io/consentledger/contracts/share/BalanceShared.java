package io.consentledger.contracts.share;

import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;

import java.math.BigDecimal;
import java.time.Instant;

/** A balance left the bank: who received what, under which consent, scope, purpose and window (the access log). */
public record BalanceShared(String shareId,
                            String consentId,
                            String linkId,
                            String recipientId,
                            String providerId,
                            String customerId,
                            Scope scope,
                            Purpose purpose,
                            BigDecimal amount,
                            String currency,
                            Instant asOf,
                            AppliedWindow window,
                            Instant sharedAt) {
}
