package io.consentledger.command.customer;

import com.mongodb.client.MongoDatabase;
import io.consentledger.command.config.AggregateCaches;
import io.consentledger.command.config.FixedDelaySweep;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.privacy.CustomerKeys;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/** Customer erasure: the directory, the shredder, the sweep and its timer ({@code consent-ledger.erasure.*}). */
@Configuration(proxyBeanMethods = false)
public class ErasureConfiguration {

    /**
     * {@code guard-refresh} (default 1 s): how stale the erasure guard's view of other instances' erasures may be
     * (it was {@code guard-cache-ttl}, 5 s, a per-customer expiry; that key is still read if set).
     */
    @Bean
    public CustomerDirectory customerDirectory(MongoDatabase database,
                                               @Value("${consent-ledger.erasure.guard-refresh:${consent-ledger.erasure.guard-cache-ttl:PT1S}}")
                                               Duration guardRefresh) {
        return new CustomerDirectory(database, guardRefresh);
    }

    @Bean
    public DataShredder dataShredder(CustomerKeys keys, CustomerDirectory directory, GapAwareMongoEventStorageEngine engine,
                                     AggregateCaches caches) {
        return new DataShredder(keys, directory, engine, caches);
    }

    @Bean
    public ErasureSweeper erasureSweeper(CustomerDirectory directory, CommandGateway commands, Clock clock) {
        return new ErasureSweeper(directory, commands, clock);
    }

    /** The directory must not skip an event whose handling failed: the processor retries from its token. */
    @Bean
    public ConfigurerModule customerDirectoryRetries() {
        return configurer -> configurer.eventProcessing().registerListenerInvocationErrorHandler(
                CustomerDirectoryProjection.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }

    /** Runs the sweep on a fixed delay (default every minute), first after 10 s. */
    @Bean
    @ConditionalOnProperty(name = "consent-ledger.erasure.scheduler.enabled", havingValue = "true", matchIfMissing = true)
    public FixedDelaySweep scheduledErasureSweep(ErasureSweeper sweeper,
                                                 @Value("${consent-ledger.erasure.sweep-interval:PT1M}") Duration interval) {
        return new FixedDelaySweep(sweeper::sweep, interval, Duration.ofSeconds(10));
    }
}
