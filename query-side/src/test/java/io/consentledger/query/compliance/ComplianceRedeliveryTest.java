package io.consentledger.query.compliance;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.audit.Violation;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import io.consentledger.query.LedgerScript;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A processor delivers an event again when its handling failed (a store error, a crash before the token moved), and
 * the dead-letter queue retries parked events. The compliance check must then report exactly what one clean delivery
 * reports: no violation lost because the first attempt failed half-way, and none invented because a counter had
 * already been moved.
 */
class ComplianceRedeliveryTest {

    private EmbeddedMongoServer server;
    private MongoClient client;
    private MongoDatabase database;
    private ComplianceMonitor monitor;
    private AnnotationEventHandlerAdapter handler;
    private final List<TrackedEventMessage<?>> log = new ArrayList<>();
    private LedgerScript script;

    @BeforeEach
    void start() {
        server = EmbeddedMongoServer.inMemory();
        client = MongoClients.create(server.connectionString());
        database = client.getDatabase("compliance-redelivery");
        monitor = new ComplianceMonitor(database, new EventLog(database), new InMemoryTokenStore());
        handler = new AnnotationEventHandlerAdapter(monitor);
        // the events are in a real log: a violation's position is read from it
        GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder().database(database)
                .eventSerializer(LedgerSerializers.jackson()).snapshotSerializer(LedgerSerializers.jackson()).build();
        script = new LedgerScript(message -> {
            engine.appendEvents(message);
            TrackedEventMessage<?> tracked = new GenericTrackedDomainEventMessage<>(
                    new GlobalSequenceTrackingToken(log.size() + 1), message);
            log.add(tracked);
            deliver(tracked);
        });
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void deliver(EventMessage<?> message) {
        try {
            handler.handle(message);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private TrackedEventMessage<?> last() {
        return log.get(log.size() - 1);
    }

    private List<String> rules() {
        return monitor.handle(new CheckCompliance(null)).violations().stream().map(Violation::rule).toList();
    }

    @Test
    void aShareWhoseCheckFailedHalfWayIsFullyCheckedWhenDeliveredAgain() {
        script.link("link-1").standardConsent("consent-1", "link-1").authorise("consent-1").revoke("consent-1");
        // The violations collection refuses the first write of this rule: the check fails after it has begun.
        database.getCollection(ComplianceMonitor.VIOLATIONS)
                .createIndex(Indexes.ascending("rule"), new IndexOptions().unique(true).name("blocker"));
        database.getCollection(ComplianceMonitor.VIOLATIONS)
                .insertOne(new Document("_id", "blocker").append("rule", ComplianceRule.SHARED_AFTER_REVOCATION.name()));

        assertThatThrownBy(() -> script.later(Duration.ofMinutes(1)).shareBalance("consent-1", "10.00", script.now()))
                .isInstanceOf(RuntimeException.class);

        database.getCollection(ComplianceMonitor.VIOLATIONS).deleteOne(new Document("_id", "blocker"));
        database.getCollection(ComplianceMonitor.VIOLATIONS).dropIndex("blocker");
        deliver(last()); // the processor's retry, or the dead-letter queue's

        assertThat(rules()).containsExactly(ComplianceRule.SHARED_AFTER_REVOCATION.name());
        assertThat(monitor.handle(new CheckCompliance(null)).sharesChecked()).isEqualTo(1);
    }

    @Test
    void aShareDeliveredTwiceIsCountedOnceTowardsTheDailyLimit() {
        script.link("link-2")
              .requestConsent("consent-2", "link-2", EnumSet.of(Scope.BALANCES), EnumSet.of(Purpose.FRAUD_ALERTS),
                              TransactionWindow.lookback(90), AccessFrequency.perDay(1))
              .authorise("consent-2")
              .later(Duration.ofMinutes(1)).shareBalance("consent-2", "10.00", script.now());

        deliver(last());
        assertThat(rules()).as("the one share allowed today, delivered twice").isEmpty();
        assertThat(monitor.handle(new CheckCompliance(null)).sharesChecked()).isEqualTo(1);

        script.later(Duration.ofMinutes(1)).shareBalance("consent-2", "11.00", script.now());
        assertThat(rules()).as("a second share the same day").containsExactly(ComplianceRule.FREQUENCY_EXCEEDED.name());
    }
}
