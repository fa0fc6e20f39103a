package io.consentledger.eventstore.spring;

import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Boots Spring Boot, Axon and the ledger's Mongo wiring together, on the embedded store in memory: commands reach an
 * event-sourced aggregate with a cache and a snapshot trigger, a tracking processor receives the events, and its
 * token lands in the Mongo token store.
 */
@SpringBootTest(classes = CounterTestApplication.class,
        properties = {
                "consent-ledger.mongodb.embedded.in-memory=true",
                "axon.update-check.disabled=true",
                "axon.eventhandling.processors.counter-view.mode=pooled"
        })
class LedgerMongoAutoConfigurationTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    TokenStore tokenStore;
    @Autowired
    MongoDatabase database;
    @Autowired
    CounterTestApplication.CounterView view;
    @Autowired
    org.axonframework.eventsourcing.eventstore.EventStorageEngine engine;

    @Test
    void wiresTheGapAwareEngineTheMongoTokenStoreAndTheProcessors() {
        assertThat(engine).isInstanceOf(GapAwareMongoEventStorageEngine.class);
        assertThat(tokenStore).isInstanceOf(MongoTokenStore.class);

        for (int i = 0; i < 7; i++) {
            commands.sendAndWait(new CounterTestApplication.Increment("c-1"));
        }

        assertThat(eventStore.readEvents("c-1").asStream().count()).isGreaterThanOrEqualTo(1);
        assertThat(eventStore.readEvents("c-1", 0).asStream().map(m -> ((CounterTestApplication.Incremented) m.getPayload()).value()))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(view.seen).extracting(CounterTestApplication.Incremented::value).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(database.getCollection("snapshots").find(eq("_id", "c-1")).first()).isNotNull();
            assertThat(database.getCollection(LedgerMongoAutoConfiguration.TOKENS_COLLECTION)
                               .find(eq("processorName", "counter-view")).into(new java.util.ArrayList<Document>()))
                    .isNotEmpty();
        });
    }
}
