package io.consentledger.eventstore.spring;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.PayloadProtector;
import io.consentledger.eventstore.SnapshotProtector;
import io.consentledger.eventstore.privacy.DecryptingUpcaster;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import io.consentledger.eventstore.processing.ProcessorLagMetrics;
import io.consentledger.eventstore.processing.SegmentBalancer;
import io.consentledger.eventstore.processing.WakingEventSource;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.springboot.autoconfig.AxonAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Wires the ledger's MongoDB store into both applications: the client (or the embedded store when no URI is set),
 * the gap-aware event storage engine, the token store and the serializer.
 * <p>
 * No Spring Data, no Mongo transactions: the embedded store has none, and nothing here needs them.
 */
@AutoConfiguration(before = AxonAutoConfiguration.class)
@EnableConfigurationProperties(LedgerStoreProperties.class)
public class LedgerMongoAutoConfiguration {

    /** The bean name that {@code axon.eventhandling.processors.<name>.source} names. */
    public static final String PROCESSOR_EVENT_SOURCE = "processorEventSource";

    /** How often a processors' source's idle stream looks for events besides being woken: also for other sources. */
    public static final Duration PROCESSOR_POLL_INTERVAL = Duration.ofMillis(20);

    static final String TOKENS_COLLECTION = "tracking_tokens";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EmbeddedMongoServer.class)
    @ConditionalOnExpression("'${consent-ledger.mongodb.uri:}'.isBlank()")
    public EmbeddedMongoServer embeddedMongoServer(LedgerStoreProperties properties) {
        LedgerStoreProperties.Embedded embedded = properties.getMongodb().getEmbedded();
        return embedded.isInMemory()
                ? EmbeddedMongoServer.inMemory(embedded.getHost(), embedded.getPort())
                : EmbeddedMongoServer.fileBacked(Path.of(embedded.getFile()), embedded.getHost(), embedded.getPort());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(MongoClient.class)
    public MongoClient mongoClient(LedgerStoreProperties properties, ObjectProvider<EmbeddedMongoServer> embedded) {
        String uri = properties.getMongodb().getUri();
        if (uri == null || uri.isBlank()) {
            uri = embedded.getObject().connectionString();
        }
        return MongoClients.create(MongoClientSettings.builder()
                                                      .applyConnectionString(new ConnectionString(uri))
                                                      .applicationName("consent-ledger")
                                                      .build());
    }

    @Bean
    @ConditionalOnMissingBean(MongoDatabase.class)
    public MongoDatabase ledgerDatabase(MongoClient client, LedgerStoreProperties properties) {
        return client.getDatabase(properties.getMongodb().getDatabase());
    }

    /** The general Axon serializer; message and event serializers default to it. */
    @Bean
    @Primary
    @ConditionalOnMissingBean(Serializer.class)
    public Serializer serializer() {
        return LedgerSerializers.jackson();
    }

    @Bean
    @ConditionalOnMissingBean(EventStorageEngine.class)
    public GapAwareMongoEventStorageEngine eventStorageEngine(MongoDatabase database,
                                                             Serializer serializer,
                                                             @Qualifier("eventSerializer") ObjectProvider<Serializer> eventSerializer,
                                                             Configuration configuration,
                                                             LedgerStoreProperties properties,
                                                             ObjectProvider<MeterRegistry> meterRegistry,
                                                             ObjectProvider<PersonalDataCodec> personalData) {
        LedgerStoreProperties.EventStore settings = properties.getEventStore();
        // Issue 16: personal fields are encrypted on append and decrypted first on read, before any other upcaster.
        PersonalDataCodec codec = personalData.getIfAvailable();
        EventUpcaster chain = configuration.upcasterChain();
        EventUpcaster upcasters = codec == null ? chain : chain == null ? new DecryptingUpcaster(codec)
                : new EventUpcasterChain(new DecryptingUpcaster(codec), chain);
        PayloadProtector protector = codec == null ? PayloadProtector.NONE : sealing(codec);
        SnapshotProtector snapshots = codec == null ? SnapshotProtector.NONE : new SnapshotProtector() {
            @Override
            public String protect(org.axonframework.eventhandling.DomainEventMessage<?> snapshot, String json) {
                return codec.protectSnapshot(snapshot.getIdentifier(), snapshot.getAggregateIdentifier(),
                                             snapshot.getPayload(), json);
            }

            @Override
            public java.util.Optional<String> reveal(String snapshotId, String aggregateId, String json) {
                return codec.revealSnapshot(snapshotId, aggregateId, json);
            }
        };
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(database)
                                              .eventSerializer(eventSerializer.getIfAvailable(() -> serializer))
                                              .snapshotSerializer(LedgerSerializers.snapshots())
                                              .upcasterChain(upcasters)
                                              .payloadProtector(protector)
                                              .snapshotProtector(snapshots)
                                              .snapshotFilter(configuration.snapshotFilter())
                                              .writeConcern(writeConcern(settings))
                                              .gapTimeout(settings.getGapTimeout())
                                              .batchSize(settings.getBatchSize())
                                              .appendListener(appendMetrics(meterRegistry.getIfAvailable()))
                                              .build();
    }

    @Bean(name = "eventBus")
    @ConditionalOnMissingBean(EventStore.class)
    public EmbeddedEventStore eventStore(EventStorageEngine storageEngine,
                                         Configuration configuration,
                                         LedgerStoreProperties properties) {
        return EmbeddedEventStore.builder()
                                 .storageEngine(storageEngine)
                                 .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                                 .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                                 .fetchDelay(properties.getEventStore().getFetchDelay().toMillis())
                                 .build();
    }

    /**
     * The source of the streaming processors (their {@code source} setting, and the default for any other): the
     * event store, with streams that wake an idle pooled processor as soon as events arrive.
     */
    @Bean(PROCESSOR_EVENT_SOURCE)
    @ConditionalOnMissingBean(name = PROCESSOR_EVENT_SOURCE)
    public WakingEventSource processorEventSource(EventStore eventStore) {
        return new WakingEventSource(eventStore, PROCESSOR_POLL_INTERVAL);
    }

    @Bean
    public ConfigurerModule processorEventSourceByDefault(
            @Qualifier(PROCESSOR_EVENT_SOURCE) ObjectProvider<WakingEventSource> processorEventSource) {
        // by name: an application may define other waking sources (the query side's notifications source)
        return configurer -> configurer.eventProcessing(processing -> processing.configureDefaultStreamableMessageSource(
                c -> processorEventSource.getObject())); // looked up when a processor is built: the source needs Axon's configuration
    }

    @Bean
    @ConditionalOnMissingBean(TokenStore.class)
    public TokenStore tokenStore(MongoClient client, LedgerStoreProperties properties, Serializer serializer) {
        return MongoTokenStore.builder()
                              .mongoTemplate(DefaultMongoTemplate.builder()
                                                                 .mongoDatabase(client, properties.getMongodb().getDatabase())
                                                                 .trackingTokensCollectionName(TOKENS_COLLECTION)
                                                                 .build())
                              .serializer(serializer)
                              .claimTimeout(properties.getEventStore().getTokenClaimTimeout())
                              .build();
    }

    @Bean
    @ConditionalOnMissingBean
    public ProcessorLagMetrics processorLagMetrics(org.axonframework.config.EventProcessingConfiguration processing,
                                                   ObjectProvider<GapAwareMongoEventStorageEngine> engine) {
        return new ProcessorLagMetrics(processing, () -> engine.getObject().headPosition());
    }

    /** Registers the lag gauges once the processors exist, when there is a registry and the ledger's engine. */
    @Bean
    public ApplicationListener<ApplicationReadyEvent> processorLagMetricsRegistration(
            ObjectProvider<ProcessorLagMetrics> metrics, ObjectProvider<MeterRegistry> registry,
            ObjectProvider<GapAwareMongoEventStorageEngine> engine) {
        return ready -> {
            MeterRegistry meters = registry.getIfAvailable();
            if (meters != null && engine.getIfAvailable() != null) {
                metrics.ifAvailable(m -> m.register(meters));
            }
        };
    }

    /** Spreads multi-segment processors over the running instances of this application. */
    @Bean
    @ConditionalOnMissingBean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
            name = "consent-ledger.processors.balance-segments", havingValue = "true", matchIfMissing = true)
    public SegmentBalancer segmentBalancer(org.axonframework.config.EventProcessingConfiguration processing,
                                           TokenStore tokenStore, MongoDatabase database,
                                           org.springframework.core.env.Environment environment) {
        return new SegmentBalancer(processing, tokenStore, database,
                                   environment.getProperty("spring.application.name", "consent-ledger"),
                                   environment.getProperty("consent-ledger.processors.balance-interval",
                                                           java.time.Duration.class, java.time.Duration.ofSeconds(2)),
                                   java.time.Clock.systemUTC());
    }

    /** Starts the segment balancer once the application is ready (processors started). */
    @Bean
    public ApplicationListener<ApplicationReadyEvent> segmentBalancerStart(ObjectProvider<SegmentBalancer> balancer) {
        return ready -> balancer.ifAvailable(SegmentBalancer::start);
    }

    /** Stops the segment balancer and removes its heartbeat when the application closes. */
    @Bean
    public ApplicationListener<ContextClosedEvent> segmentBalancerStop(ObjectProvider<SegmentBalancer> balancer) {
        return closed -> balancer.ifAvailable(SegmentBalancer::stop);
    }

    static WriteConcern writeConcern(LedgerStoreProperties.EventStore settings) {
        String w = settings.getWriteConcern().trim();
        WriteConcern concern = "majority".equalsIgnoreCase(w) ? WriteConcern.MAJORITY : new WriteConcern(Integer.parseInt(w));
        return concern.withJournal(settings.isJournal());
    }

    private static GapAwareMongoEventStorageEngine.AppendListener appendMetrics(MeterRegistry registry) {
        if (registry == null) {
            return GapAwareMongoEventStorageEngine.AppendListener.NONE;
        }
        Timer latency = Timer.builder("ledger.eventstore.append")
                             .description("Latency of one atomic commit to the event store")
                             .publishPercentileHistogram()
                             .register(registry);
        DistributionSummary batchSize = DistributionSummary.builder("ledger.eventstore.append.events")
                                                           .description("Events per commit")
                                                           .register(registry);
        DistributionSummary attempts = DistributionSummary.builder("ledger.eventstore.append.attempts")
                                                          .description("Attempts per commit; above 1 when a slow writer found its position sealed")
                                                          .register(registry);
        return (events, tries, nanos) -> {
            latency.record(nanos, TimeUnit.NANOSECONDS);
            batchSize.record(events);
            attempts.record(tries);
        };
    }

    /** Seals an event's personal fields in the payload document the store is about to write (format v2). */
    public static PayloadProtector sealing(PersonalDataCodec codec) {
        return new PayloadProtector() {
            @Override
            public String protect(org.axonframework.eventhandling.EventMessage<?> event, String json) {
                return codec.protect(event.getIdentifier(), event.getPayload(), json);
            }

            @Override
            public boolean protectsInPlace() {
                return true;
            }

            @Override
            public void protectInPlace(org.axonframework.eventhandling.EventMessage<?> event, org.bson.Document payload) {
                codec.protect(event.getIdentifier(), event.getPayload(), payload);
            }
        };
    }
}
