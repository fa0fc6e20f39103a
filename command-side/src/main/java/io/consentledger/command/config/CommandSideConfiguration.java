package io.consentledger.command.config;

import io.consentledger.command.common.ClockSkew;
import io.consentledger.contracts.metadata.Attribution;
import org.springframework.beans.factory.annotation.Value;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The ledger's clock and its attribution: every event carries the principal, party and correlation id of the command that caused it. */
@Configuration(proxyBeanMethods = false)
public class CommandSideConfiguration {

    /** The ledger's time: UTC. Aggregates receive it as a handler parameter; tests replace it. */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * How far ahead of {@link #clock()} an instant in a command may be ({@code consent-ledger.clock-skew-allowance},
     * default 5 minutes): evidence, a balance's {@code asOf}, a transaction's {@code bookedAt}.
     */
    @Bean
    public ClockSkew clockSkew(@Value("${consent-ledger.clock-skew-allowance:PT5M}") Duration allowance) {
        return new ClockSkew(allowance);
    }

    /**
     * Copies principal, party and correlation id from the message being handled into every message it causes
     * (events applied by an aggregate, commands sent by a processor), and keeps Axon's trace id. Replaces Axon's
     * default MessageOriginProvider, which would overwrite the request's correlation id with the command's id.
     */
    @Bean
    public CorrelationDataProvider attributionCorrelationData() {
        return message -> {
            Map<String, Object> data = new HashMap<>();
            for (String key : new String[]{Attribution.PRINCIPAL, Attribution.PARTY}) {
                Object value = message.getMetaData().get(key);
                if (value != null) {
                    data.put(key, value);
                }
            }
            data.put(Attribution.CORRELATION_ID, message.getMetaData().getOrDefault(Attribution.CORRELATION_ID, message.getIdentifier()));
            data.put(Attribution.TRACE_ID, message.getMetaData().getOrDefault(Attribution.TRACE_ID, message.getIdentifier()));
            return data;
        };
    }
}
