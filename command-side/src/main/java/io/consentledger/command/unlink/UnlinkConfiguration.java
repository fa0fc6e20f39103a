package io.consentledger.command.unlink;

import com.mongodb.client.MongoDatabase;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Unlink propagation: which consents cover a link, and the processor that revokes them. */
@Configuration(proxyBeanMethods = false)
public class UnlinkConfiguration {

    @Bean
    public LinkConsents linkConsents(MongoDatabase database) {
        return new LinkConsents(database);
    }

    @Bean
    public UnlinkPropagation unlinkPropagation(LinkConsents linkConsents, CommandGateway commands) {
        return new UnlinkPropagation(linkConsents, commands);
    }

    /** The processor must not skip an event whose handling failed: it retries from its token. */
    @Bean
    public ConfigurerModule unlinkProcessorRetries() {
        return configurer -> configurer.eventProcessing().registerListenerInvocationErrorHandler(
                UnlinkPropagation.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }
}
