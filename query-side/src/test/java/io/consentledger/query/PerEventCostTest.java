package io.consentledger.query;

import org.axonframework.messaging.timeout.HandlerTimeoutHandlerEnhancerDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 (p8-profile): Axon's handler and unit-of-work time limits walked a processor thread's whole stack for every
 * event, twice per processor; Spring Security wrapped each filter in an observation per request. Neither is there on
 * the query side as configured (the same context as {@link QuerySideApiTest}, so no extra start-up).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class PerEventCostTest extends HttpTestSupport {

    @Autowired
    ApplicationContext context;

    @Test
    void axonsTimeLimitsDoNotWrapEventHandlers() {
        assertThat(context.getBeansOfType(HandlerTimeoutHandlerEnhancerDefinition.class)).isEmpty();
        assertThat(context.containsBean("axonTimeoutConfigurerModule")).isFalse();
    }

    @Test
    void securityFiltersAreNotWrappedInObservations() {
        FilterChainProxy outer = context.getBean("springSecurityFilterChain", FilterChainProxy.class);
        Object inner = ReflectionTestUtils.getField(outer, "springSecurityFilterChain");
        FilterChainProxy proxy = inner instanceof FilterChainProxy p ? p : outer;
        assertThat(ReflectionTestUtils.getField(proxy, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
    }
}
