package io.consentledger.command.api;

import com.mongodb.client.MongoDatabase;
import io.consentledger.command.api.idempotency.CallerIdentity;
import io.consentledger.command.api.idempotency.IdempotencyFilter;
import io.consentledger.command.api.idempotency.IdempotencyProperties;
import io.consentledger.command.api.idempotency.IdempotencyStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The command API's own filter around the controllers: idempotency keys. Bodies are bounded before it by the shared
 * {@code RequestSizeLimitFilter} ({@code consent-ledger.security.max-request-bytes}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class ApiConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public CallerIdentity callerIdentity() {
        return CallerIdentity.authenticated();
    }

    /** Issue 14, finding 11: {@code consent-ledger.ids.require-namespace} (default false). */
    @Bean
    public IdNamespaces idNamespaces(@Value("${consent-ledger.ids.require-namespace:false}") boolean required) {
        return new IdNamespaces(required);
    }

    @Bean
    public IdempotencyStore idempotencyStore(MongoDatabase database, Clock clock, IdempotencyProperties properties) {
        return new IdempotencyStore(database, clock, properties.pendingTimeout());
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
