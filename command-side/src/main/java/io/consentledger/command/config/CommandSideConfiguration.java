package io.consentledger.command.config;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
public class CommandSideConfiguration {

    /** The ledger's time: UTC. Aggregates receive it as a handler parameter; tests replace it. */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The expiry and unlink processors must not skip an event whose handling failed (a store hiccup, a concurrent
     * append): they propagate the error so the processor retries from its token.
     */
    @Bean
    public ConfigurerModule retryingProcessors() {
        return configurer -> configurer.eventProcessing()
                                       .registerListenerInvocationErrorHandler(ProcessingGroups.CONSENT_EXPIRY, c -> PropagatingErrorHandler.instance())
                                       .registerListenerInvocationErrorHandler(ProcessingGroups.LINK_CONSENTS, c -> PropagatingErrorHandler.instance());
    }
}
