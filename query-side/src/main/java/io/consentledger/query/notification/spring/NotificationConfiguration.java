package io.consentledger.query.notification.spring;

import io.consentledger.eventstore.privacy.PersonalDataCodec;
import io.consentledger.eventstore.privacy.ProtectedDeadLetterConverter;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.processing.WakingEventSource;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.core.env.Environment;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.spring.LedgerMongoAutoConfiguration;
import io.consentledger.eventstore.spring.LedgerStoreProperties;
import io.consentledger.query.notification.address.HostResolver;
import io.consentledger.query.notification.address.WebhookUrlPolicy;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.NotificationStore;
import io.consentledger.query.notification.delivery.WebhookDispatcher;
import io.consentledger.query.notification.delivery.WebhookService;
import io.consentledger.query.notification.feed.NotificationFeed;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.deadletter.MongoSequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * Notifications on the query side (issue 12): the store, the feed, the recorder behind the {@code notifications}
 * processor, the dispatcher (started with the application, closed with it, letting attempts in flight finish), the
 * service behind the endpoints, and the processor's dead-letter queue, as for the projections.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
public class NotificationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NotificationConfiguration.class);

    @Bean
    NotificationStore notificationStore(MongoDatabase database) {
        return new NotificationStore(database);
    }

    @Bean
    NotificationFeed notificationFeed(MongoDatabase database) {
        return new NotificationFeed(database);
    }

    @Bean
    NotificationRecorder notificationRecorder(NotificationStore store, NotificationFeed feed, Clock clock,
                                              WebhookDispatcher dispatcher) {
        return new NotificationRecorder(store, feed, clock, dispatcher::enqueue);
    }

    @Bean
    WebhookUrlPolicy webhookUrlPolicy(WebhookProperties properties) {
        if (properties.allowInsecureLoopback()) {
            log.warn("consent-ledger.webhooks.allow-insecure-loopback=true: webhooks may call loopback addresses "
                    + "over plain http. For development and tests only.");
        }
        return new WebhookUrlPolicy(properties.allowInsecureLoopback(), HostResolver.SYSTEM);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    WebhookDispatcher webhookDispatcher(NotificationStore store, WebhookUrlPolicy policy, Clock clock,
                                        MeterRegistry meters, WebhookProperties properties) {
        WebhookDispatcher dispatcher = new WebhookDispatcher(store, policy, properties.dispatcher().retrySchedule(),
                clock, new Random(), meters, properties.dispatcher().settings());
        dispatcher.activeWhen(() -> false); // until the application is ready (below)
        return dispatcher;
    }

    @Bean
    WebhookService webhookService(NotificationStore store, NotificationRecorder recorder, WebhookUrlPolicy policy,
                                  Clock clock) {
        return new WebhookService(store, recorder, policy, new SecureRandom(), clock);
    }

    /**
     * The {@code notifications} processor's source ({@code axon.eventhandling.processors.notifications.source}): the
     * processors' waking event store, lingering up to {@code consent-ledger.webhooks.processor-linger} for a batch's
     * worth of events ({@code batch-size}), since most of what a batch costs (the position look-up, the feed's and
     * the deliveries' round trips, the token's update) is paid once per batch.
     */
    @Bean(EVENT_SOURCE)
    WakingEventSource notificationEventSource(EventStore eventStore, WebhookProperties properties,
                                              Environment environment) {
        int batchSize = environment.getProperty("axon.eventhandling.processors." + NotificationProcessor.GROUP
                + ".batch-size", Integer.class, 50);
        return new WakingEventSource(eventStore, LedgerMongoAutoConfiguration.PROCESSOR_POLL_INTERVAL, properties.processorLinger(),
                Math.max(1, batchSize));
    }

    /** The bean name of the {@code notifications} processor's source. */
    public static final String EVENT_SOURCE = "notificationEventSource";

    @Bean
    NotificationProcessor notificationProcessor(NotificationRecorder recorder, EventLog eventLog) {
        return new NotificationProcessor(recorder, eventLog);
    }

    /** A batch's notifications are recorded together ({@link io.consentledger.query.projection.BatchedWrites}). */
    @Bean
    ConfigurerModule notificationBatches(NotificationProcessor processor) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerHandlerInterceptor(NotificationProcessor.GROUP, c -> processor.batchedWrites()));
    }

    /**
     * One instance dispatches: the one holding the {@code notifications} processor's segment, whose recorder feeds
     * the dispatcher's queue. Set once the application is ready: Axon's configuration must not be initialised from
     * the dispatcher's thread while the context is still being built (until then the dispatcher waits).
     */
    @Bean
    ApplicationListener<ApplicationReadyEvent> webhookDispatcherActivation(WebhookDispatcher dispatcher,
                                                                          EventProcessingConfiguration processing) {
        return ready -> dispatcher.activeWhen(() -> processing
                .eventProcessor(NotificationProcessor.GROUP, StreamingEventProcessor.class)
                .map(p -> p.isRunning() && p.processingStatus().containsKey(0))
                .orElse(false));
    }

    /** As for the projections: a failing event parks its sequence, and the other sequences go on. */
    @Bean
    ConfigurerModule notificationDeadLetterQueue(MongoClient client, LedgerStoreProperties properties,
                                                 Serializer serializer, PersonalDataCodec personalData) {
        DefaultMongoTemplate template = DefaultMongoTemplate.builder()
                .mongoDatabase(client, properties.getMongodb().getDatabase())
                .build();
        return configurer -> configurer.eventProcessing(processing -> {
            processing.registerDeadLetterQueue(NotificationProcessor.GROUP, c -> MongoSequencedDeadLetterQueue.builder()
                    .processingGroup(NotificationProcessor.GROUP)
                    .mongoTemplate(template)
                    .serializer(serializer)
                    .clearConverters() // issue 16: parked payloads stay encrypted
                    .addConverter(new ProtectedDeadLetterConverter(personalData))
                    .build());
            processing.registerDeadLetteringEventHandlerInvokerConfiguration(NotificationProcessor.GROUP,
                    (config, builder) -> builder.enableSequenceIdentifierCache());
        });
    }
}
