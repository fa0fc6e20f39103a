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

/** A tiny Axon application for the wiring test: an event-sourced counter with a cache and a snapshot trigger. */
@SpringBootApplication
class CounterTestApplication {

    record Increment(@TargetAggregateIdentifier String counterId) {
    }

    record Incremented(String counterId, long value) {
    }

    @Aggregate(cache = "counterCache", snapshotTriggerDefinition = "counterSnapshots")
    static class Counter {
        @AggregateIdentifier
        private String counterId;
        private long value;

        Counter() {
        }

        @CommandHandler
        @org.axonframework.modelling.command.CreationPolicy(org.axonframework.modelling.command.AggregateCreationPolicy.CREATE_IF_MISSING)
        void handle(Increment command) {
            org.axonframework.modelling.command.AggregateLifecycle.apply(new Incremented(command.counterId(), value + 1));
        }

        @EventSourcingHandler
        void on(Incremented event) {
            this.counterId = event.counterId();
            this.value = event.value();
        }
    }

    @Component
    @ProcessingGroup("counter-view")
    static class CounterView {
        final List<Incremented> seen = new CopyOnWriteArrayList<>();

        @EventHandler
        void on(Incremented event) {
            seen.add(event);
        }
    }

    @Bean
    Cache counterCache() {
        return new WeakReferenceCache();
    }

    @Bean
    SnapshotTriggerDefinition counterSnapshots(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, 3);
    }
}
