package io.consentledger.query;

import com.mongodb.client.MongoClient;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import io.consentledger.eventstore.privacy.ProtectedDeadLetterConverter;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.spring.LedgerStoreProperties;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.balance.BalanceProjection;
import io.consentledger.query.compliance.ComplianceMonitor;
import io.consentledger.query.consent.ConsentProjection;
import com.mongodb.client.MongoDatabase;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.async.SequentialPerAggregatePolicy;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.deadletter.MongoSequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.List;

@Configuration
public class QuerySideConfiguration {

    /** Every projection of the query side; each gets a dead-letter queue. */
    public static final List<String> PROCESSING_GROUPS = List.of(
            ConsentProjection.GROUP, BalanceProjection.GROUP, AccessLogProjection.GROUP, ComplianceMonitor.GROUP);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    EventLog eventLog(MongoDatabase database) {
        return new EventLog(database);
    }

    /**
     * Balances are per link and shares of one link may come from several consents: sequence by the link's customer
     * (the data subject, {@code providerId/customerId}), so that the customer's {@link CustomerDataErased} comes after
     * every share of the customer's links (issue 16). (The bean keeps its name: the processor's setting names it.)
     */
    @Bean
    SequencingPolicy<EventMessage<?>> linkSequencingPolicy() {
        SequentialPerAggregatePolicy perAggregate = SequentialPerAggregatePolicy.instance();
        return event -> {
            Object payload = event.getPayload();
            if (payload instanceof BalanceShared balance) {
                return Classification.subjectId(balance.providerId(), balance.customerId());
            }
            if (payload instanceof TransactionsShared transactions) {
                return Classification.subjectId(transactions.providerId(), transactions.customerId());
            }
            if (payload instanceof CustomerDataErased erased) {
                return Classification.subjectId(erased.providerId(), erased.customerId());
            }
            return perAggregate.getSequenceIdentifierFor(event);
        };
    }

    /**
     * The access log, the compliance check and the balances write once per batch of events, not once per event. The
     * first two run on one segment each, so their round trips to the store set how far the query side lags.
     */
    @Bean
    ConfigurerModule batchedProjections(AccessLogProjection accessLog, ComplianceMonitor compliance,
                                        BalanceProjection balances) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerHandlerInterceptor(AccessLogProjection.GROUP, c -> accessLog.batchedWrites())
                .registerHandlerInterceptor(ComplianceMonitor.GROUP, c -> compliance.batchedWrites())
                .registerHandlerInterceptor(BalanceProjection.GROUP, c -> balances.batchedWrites()));
    }

    /**
     * A failing event handler parks its sequence in axon-mongo's dead-letter queue, and the other sequences go on.
     * Operators list and retry parked events through {@code /api/v1/operator/dead-letters}.
     */
    @Bean
    ConfigurerModule deadLetterQueues(MongoClient client, LedgerStoreProperties properties, Serializer serializer,
                                      PersonalDataCodec personalData) {
        DefaultMongoTemplate template = DefaultMongoTemplate.builder()
                                                            .mongoDatabase(client, properties.getMongodb().getDatabase())
                                                            .build();
        return configurer -> configurer.eventProcessing(processing -> PROCESSING_GROUPS.forEach(group -> {
            processing.registerDeadLetterQueue(
                    group, c -> MongoSequencedDeadLetterQueue.builder()
                                                             .processingGroup(group)
                                                             .mongoTemplate(template)
                                                             .serializer(serializer)
                                                             // issue 16: parked payloads stay encrypted
                                                             .clearConverters()
                                                             .addConverter(new ProtectedDeadLetterConverter(personalData))
                                                             .build());
            // Remember which sequences are parked, so an event of a healthy sequence costs no look-up in the queue.
            processing.registerDeadLetteringEventHandlerInvokerConfiguration(
                    group, (config, builder) -> builder.enableSequenceIdentifierCache());
        }));
    }
}
