package io.consentledger.contracts.share;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.Personal;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;

import java.math.BigDecimal;
import java.time.Instant;

/** A balance left the bank: who received what, under which consent, scope, purpose and window (the access log). */
public record BalanceShared(@NotPersonal String shareId,
                            @NotPersonal String consentId,
                            @NotPersonal String linkId,
                            @NotPersonal String recipientId,
                            @NotPersonal String providerId,
                            @DataSubject String customerId,
                            @NotPersonal Scope scope,
                            @NotPersonal Purpose purpose,
                            @Personal BigDecimal amount,
                            @NotPersonal String currency,
                            @NotPersonal Instant asOf,
                            @NotPersonal AppliedWindow window,
                            @NotPersonal Instant sharedAt) {
}
