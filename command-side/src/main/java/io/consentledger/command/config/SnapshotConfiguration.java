package io.consentledger.command.config;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every share adds an event to its consent, so a busy consent's history grows without end. A snapshot every
 * {@code consent-ledger.snapshots.consent-every} events bounds what a command loads when the consent is not in the
 * aggregate cache: the snapshot, then only the events after it. Unlike a cache, a snapshot is never stale: it is made
 * from committed events, and the newer events are always read from the store.
 * <p>
 * Snapshots are taken on one background thread, after the command that triggered one has been answered. Axon's
 * default takes them on the request thread, which added a full reload of the consent to every hundredth share's
 * latency. A snapshot is only an optimisation: when the queue is full, a request is dropped and the next trigger
 * takes it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CommandSideProperties.class)
public class SnapshotConfiguration {

    @Bean
    SnapshotTriggerDefinition consentSnapshotTrigger(Snapshotter snapshotter, CommandSideProperties properties) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, properties.snapshots().consentEvery());
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService snapshotExecutor() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000), runnable -> {
            Thread thread = new Thread(runnable, "snapshotter");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    @Bean
    SpringAggregateSnapshotter ledgerSnapshotter(org.axonframework.config.Configuration configuration,
                                                 HandlerDefinition handlerDefinition,
                                                 ParameterResolverFactory parameterResolverFactory,
                                                 EventStore eventStore, TransactionManager transactionManager,
                                                 SnapshotterSpanFactory spanFactory,
                                                 @Qualifier("snapshotExecutor") ExecutorService executor) {
        return SpringAggregateSnapshotter.builder()
                                         .repositoryProvider(configuration::repository)
                                         .transactionManager(transactionManager)
                                         .eventStore(eventStore)
                                         .parameterResolverFactory(parameterResolverFactory)
                                         .handlerDefinition(handlerDefinition)
                                         .spanFactory(spanFactory)
                                         .executor(executor)
                                         .build();
    }
}
