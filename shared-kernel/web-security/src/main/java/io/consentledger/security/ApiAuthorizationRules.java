package io.consentledger.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * An application's function-level rules (OWASP API5): which party may call which of its endpoints. Applied after
 * the shared rules for health, metrics and API docs, and before the final deny-all: an endpoint without a rule is
 * refused to everyone.
 */
@FunctionalInterface
public interface ApiAuthorizationRules {

    void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests);
}
