package io.consentledger.command.expiry;

import com.mongodb.client.MongoDatabase;
import io.consentledger.command.config.FixedDelaySweep;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/** Consent expiry: the schedule projection, the sweeper, and the timer that runs it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExpiryProperties.class)
public class ExpiryConfiguration {

    @Bean
    public ExpiryBuckets expiryBuckets(MongoDatabase database) {
        return new ExpiryBuckets(database);
    }

    @Bean
    public ExpirySweeper expirySweeper(ExpiryBuckets buckets, CommandGateway commands, Clock clock,
                                       ExpiryProperties properties) {
        return new ExpirySweeper(buckets, commands, clock, properties.overlapMinutes());
    }

    /** The schedule projection must not skip an event whose handling failed: the processor retries from its token. */
    @Bean
    public ConfigurerModule expiryProcessorRetries() {
        return configurer -> configurer.eventProcessing().registerListenerInvocationErrorHandler(
                ExpiryScheduleProjection.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }

    /** Runs the sweeper on a fixed delay ({@code sweep-interval}, default every 15 s), first after 5 s. */
    @Bean
    @ConditionalOnProperty(name = "consent-ledger.expiry.scheduler.enabled", havingValue = "true", matchIfMissing = true)
    public FixedDelaySweep scheduledSweep(ExpirySweeper sweeper, ExpiryProperties properties) {
        return new FixedDelaySweep(sweeper::sweep, properties.sweepInterval(), Duration.ofSeconds(5));
    }
}
