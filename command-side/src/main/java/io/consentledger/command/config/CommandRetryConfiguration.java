package io.consentledger.command.config;

import io.consentledger.command.common.Causes;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Retries a command that lost an optimistic-concurrency race: with several command-side instances, two may handle
 * commands for the same aggregate at once, and the event store lets exactly one of them append. The other is
 * dispatched again and handled against the newly loaded aggregate, so its rules are checked afresh. Nothing else is
 * retried: a refusal, an unknown id or an id that already exists would fail the same way again.
 */
@Configuration
@EnableConfigurationProperties(CommandSideProperties.class)
public class CommandRetryConfiguration {

    @Bean(destroyMethod = "shutdown")
    ScheduledExecutorService commandRetryExecutor() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "command-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    RetryScheduler commandRetryScheduler(ScheduledExecutorService commandRetryExecutor, CommandSideProperties properties) {
        return retryOnConcurrentModificationOnly(commandRetryExecutor, properties.commands().maxRetries(),
                properties.commands().retryIntervalMs());
    }

    @Bean
    CommandGateway commandGateway(CommandBus commandBus, RetryScheduler commandRetryScheduler) {
        return DefaultCommandGateway.builder().commandBus(commandBus).retryScheduler(commandRetryScheduler).build();
    }

    public static RetryScheduler retryOnConcurrentModificationOnly(ScheduledExecutorService executor, int maxRetries,
                                                                   int intervalMillis) {
        return new ConcurrencyRetryScheduler(IntervalRetryScheduler.builder()
                                                                   .retryExecutor(executor)
                                                                   .maxRetryCount(maxRetries)
                                                                   .retryInterval(intervalMillis));
    }

    /**
     * Retries exactly the failures that have a {@link ConcurrencyException} in their chain. Axon's default test
     * would call such a failure non-transient as soon as any cause is (the event store's duplicate-key error is the
     * cause of every concurrency exception), so it is replaced, not configured.
     */
    static final class ConcurrencyRetryScheduler extends IntervalRetryScheduler {

        ConcurrencyRetryScheduler(IntervalRetryScheduler.Builder builder) {
            super(builder);
        }

        @Override
        protected boolean isExplicitlyNonTransient(Throwable failure) {
            return Causes.find(failure, ConcurrencyException.class).isEmpty();
        }
    }
}
