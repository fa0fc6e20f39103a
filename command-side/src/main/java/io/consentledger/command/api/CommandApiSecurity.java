package io.consentledger.command.api;

import io.consentledger.security.ApiAuthorizationRules;
import io.consentledger.security.Party;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The command side's function-level rules: which party may send which command. Object-level checks (is this link
 * or consent the caller's?) are in the aggregates; attribution is in {@code CommandSideConfiguration}.
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
                .requestMatchers("/api/v1/customers/*/erasure").hasRole(PROVIDER)
                .requestMatchers("/api/v1/consents").hasRole(RECIPIENT)
                .requestMatchers("/api/v1/consents/*/revoke").hasAnyRole(PROVIDER, RECIPIENT)
                .requestMatchers("/api/v1/consents/*/authorise", "/api/v1/consents/*/reject",
                                 "/api/v1/consents/*/reauthorise", "/api/v1/consents/*/shares/balance",
                                 "/api/v1/consents/*/shares/transactions").hasRole(PROVIDER);
    }
}
