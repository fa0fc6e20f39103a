package io.consentledger.command.unlink;

import com.mongodb.client.MongoDatabase;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
}
