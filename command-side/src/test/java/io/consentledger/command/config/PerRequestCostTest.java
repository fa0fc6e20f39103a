package io.consentledger.command.config;

import io.consentledger.command.testing.HttpTestSupport;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.messaging.timeout.HandlerTimeoutHandlerEnhancerDefinition;
import org.axonframework.messaging.timeout.UnitOfWorkTimeoutInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 (p8-profile): per-request work that the profile found and the configuration takes out. Axon's handler and
 * unit-of-work time limits walk the calling thread's whole stack each time a handler starts (three times per
 * command); Spring Security wrapped every filter of its chain in an observation per request, although none was
 * recorded. Neither is there on the application as configured.
 */
class PerRequestCostTest extends HttpTestSupport {

    @Autowired
    ApplicationContext context;
    @Autowired
    CommandBus commandBus;

    @Test
    void axonsTimeLimitsDoNotWrapHandlersNorCommands() {
        assertThat(context.getBeansOfType(HandlerTimeoutHandlerEnhancerDefinition.class)).isEmpty();
        Object interceptors = ReflectionTestUtils.getField(commandBus, "handlerInterceptors");
        assertThat((List<?>) interceptors).noneMatch(UnitOfWorkTimeoutInterceptor.class::isInstance);
    }

    @Test
    void securityFiltersAreNotWrappedInObservations() {
        FilterChainProxy outer = context.getBean("springSecurityFilterChain", FilterChainProxy.class);
        Object inner = ReflectionTestUtils.getField(outer, "springSecurityFilterChain");
        FilterChainProxy proxy = inner instanceof FilterChainProxy p ? p : outer;
        assertThat(ReflectionTestUtils.getField(proxy, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
    }

    @Test
    void theFirewallChecksHeadersWithoutRegularExpressions() {
        FilterChainProxy outer = context.getBean("springSecurityFilterChain", FilterChainProxy.class);
        Object inner = ReflectionTestUtils.getField(outer, "springSecurityFilterChain");
        FilterChainProxy proxy = inner instanceof FilterChainProxy p ? p : outer;
        Object firewall = ReflectionTestUtils.getField(proxy, "firewall");
        assertThat(firewall).isSameAs(context.getBean(org.springframework.security.web.firewall.HttpFirewall.class))
                            .isInstanceOf(org.springframework.security.web.firewall.StrictHttpFirewall.class);
        @SuppressWarnings("unchecked")
        java.util.function.Predicate<String> names =
                (java.util.function.Predicate<String>) ReflectionTestUtils.getField(firewall, "allowedHeaderNames");
        assertThat(names.test("Idempotency-Key")).isTrue();
        assertThat(names.test("Bad\u0000Name")).isFalse();
    }
}
