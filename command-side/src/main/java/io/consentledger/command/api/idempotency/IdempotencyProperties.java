package io.consentledger.command.api.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code consent-ledger.idempotency.*}.
 *
 * @param pendingTimeout a pending record older than this is taken to be abandoned by a crashed request and may be
 *                       taken over (default 60 s)
 */
@ConfigurationProperties("consent-ledger.idempotency")
public record IdempotencyProperties(@DefaultValue("PT60S") Duration pendingTimeout) {
}
