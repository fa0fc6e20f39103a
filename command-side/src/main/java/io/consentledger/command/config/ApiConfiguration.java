package io.consentledger.command.config;

import com.mongodb.client.MongoDatabase;
import io.consentledger.command.api.CallerIdentity;
import io.consentledger.command.api.RequestBodyLimitFilter;
import io.consentledger.command.idempotency.IdempotencyFilter;
import io.consentledger.command.idempotency.IdempotencyStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.time.Clock;
import java.time.Duration;

@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public CallerIdentity callerIdentity() {
        return CallerIdentity.authenticated();
    }

    @Bean
    public IdempotencyStore idempotencyStore(MongoDatabase database, Clock clock,
                                             @Value("${consent-ledger.idempotency.pending-timeout:PT60S}") Duration pendingTimeout) {
        return new IdempotencyStore(database, clock, pendingTimeout);
    }

    @Bean
    public FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
            @Value("${consent-ledger.api.max-request-bytes:262144}") int maxBytes) {
        FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(maxBytes));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    public FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(IdempotencyStore store, CallerIdentity callers) {
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(new IdempotencyFilter(store, callers));
        registration.addUrlPatterns("/api/*");
        // After the security filter chain: keys are scoped to the authenticated caller, and anonymous requests never
        // reach the store.
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 20);
        return registration;
    }
}
