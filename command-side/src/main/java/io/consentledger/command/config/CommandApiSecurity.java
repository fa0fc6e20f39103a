package io.consentledger.command.config;

import io.consentledger.command.common.Acting;
import io.consentledger.security.ApiAuthorizationRules;
import io.consentledger.security.Party;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.HashMap;
import java.util.Map;

/**
 * The command side's function-level rules (which party may send which command) and its attribution: every event
 * carries the principal, party and correlation id of the command that caused it. Object-level checks (is this link
 * or consent the caller's?) are in the aggregates.
 */
@Configuration(proxyBeanMethods = false)
public class CommandApiSecurity {

    private static final String PROVIDER = Party.PROVIDER.name();
    private static final String RECIPIENT = Party.RECIPIENT.name();

    @Bean
    public ApiAuthorizationRules commandApiRules() {
        // By path, any method: every endpoint is a POST, and another method by an allowed party is then a 405.
        return requests -> requests
                .requestMatchers("/api/v1/links", "/api/v1/links/*/unlink").hasRole(PROVIDER)
                .requestMatchers("/api/v1/consents").hasRole(RECIPIENT)
                .requestMatchers("/api/v1/consents/*/revoke").hasAnyRole(PROVIDER, RECIPIENT)
                .requestMatchers("/api/v1/consents/*/authorise", "/api/v1/consents/*/reject",
                                 "/api/v1/consents/*/reauthorise", "/api/v1/consents/*/shares/balance",
                                 "/api/v1/consents/*/shares/transactions").hasRole(PROVIDER);
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
            for (String key : new String[]{Acting.PRINCIPAL, Acting.PARTY}) {
                Object value = message.getMetaData().get(key);
                if (value != null) {
                    data.put(key, value);
                }
            }
            data.put(Acting.CORRELATION_ID, message.getMetaData().getOrDefault(Acting.CORRELATION_ID, message.getIdentifier()));
            data.put("traceId", message.getMetaData().getOrDefault("traceId", message.getIdentifier()));
            return data;
        };
    }
}
