package io.consentledger.query.consent;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.projection.ConsentTermsDocs;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;

/**
 * Writes the consent views and the customers' dashboards; {@link ConsentViews} reads them.
 * <p>
 * Events of one consent are handled in order (Axon's default sequencing per aggregate), so each handler reads the
 * view by {@code _id}, and a history entry keyed by the event's id makes every handler idempotent. What an event
 * does to the view is {@link ConsentFold}'s, the same fold a point-in-time answer runs; each history entry keeps the
 * event's leaf index (its global position, looked up in the log), so that answer can stop at a checkpoint. The
 * customer index ({@code _id} = customer id) lets the dashboard load consents by {@code _id $in}, never by a scan.
 */
@Component
@ProcessingGroup(ConsentProjection.GROUP)
public class ConsentProjection {

    public static final String GROUP = "consents";
    static final String VIEWS = "consent_views";
    static final String CUSTOMERS = "customer_consents";

    private final MongoCollection<Document> views;
    private final MongoCollection<Document> customers;
    private final EventLog eventLog;

    public ConsentProjection(MongoDatabase database, EventLog eventLog) {
        this.eventLog = eventLog;
        this.views = database.getCollection(VIEWS);
        this.customers = database.getCollection(CUSTOMERS);
        // who may read a link's balance is looked up by link (multikey); the embedded store ignores it and scans
        views.createIndex(com.mongodb.client.model.Indexes.ascending("linkIds"),
                          new com.mongodb.client.model.IndexOptions().name("linkIds"));
    }

    @EventHandler
    void on(ConsentRequested event, DomainEventMessage<?> message) {
        ConsentFold.State state = ConsentFold.apply(ConsentFold.State.NONE, change(event, message));
        Document view = new Document("_id", event.consentId())
                .append("customerId", event.customerId())
                .append("providerId", event.providerId())
                .append("requestedAt", Docs.date(event.requestedAt()));
        view.putAll(ConsentTermsDocs.terms(event));
        view.append("status", state.status().name())
            .append("history", state.history().stream().map(ConsentFold::toDocument).toList());
        try {
            views.insertOne(view);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        customers.updateOne(eq("_id", event.customerId()), Updates.addToSet("consentIds", event.consentId()),
                            new UpdateOptions().upsert(true));
    }

    @EventHandler
    void on(ConsentAuthorised event, DomainEventMessage<?> message) {
        transition(event.consentId(), change(event, message));
    }

    @EventHandler
    void on(ConsentReauthorised event, DomainEventMessage<?> message) {
        transition(event.consentId(), change(event, message));
    }

    @EventHandler
    void on(ConsentRejected event, DomainEventMessage<?> message) {
        transition(event.consentId(), change(event, message));
    }

    @EventHandler
    void on(ConsentRevoked event, DomainEventMessage<?> message) {
        transition(event.consentId(), change(event, message));
    }

    @EventHandler
    void on(ConsentExpired event, DomainEventMessage<?> message) {
        transition(event.consentId(), change(event, message));
    }

    @ResetHandler
    void reset() {
        views.deleteMany(new Document());
        customers.deleteMany(new Document());
    }

    /** The event's change, with its leaf in the verifiable log: its global position, looked up in the log. */
    private ConsentFold.Change change(Object event, DomainEventMessage<?> message) {
        EventLog.EventKey key = new EventLog.EventKey(message.getIdentifier(), message.getAggregateIdentifier(),
                                                      message.getSequenceNumber());
        Long position = eventLog.positionsOf(List.of(key)).get(message.getIdentifier());
        if (position == null) {
            throw new IllegalStateException("Event " + message.getIdentifier() + " is not in the event log");
        }
        return ConsentFold.changeOf(event, message.getIdentifier(), position);
    }

    private void transition(String consentId, ConsentFold.Change change) {
        Document view = views.find(eq("_id", consentId)).first();
        if (view == null) {
            throw new IllegalStateException("No view for consent " + consentId + "; its request was not projected");
        }
        ConsentFold.State before = stateOf(view);
        ConsentFold.State after = ConsentFold.apply(before, change);
        if (after == before) {
            return; // delivered twice: already applied
        }
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set("status", after.status().name()));
        if (after.authorisedAt() != null) {
            updates.add(Updates.set("authorisedAt", Docs.date(after.authorisedAt())));
        }
        if (after.expiresAt() != null) {
            updates.add(Updates.set("expiresAt", Docs.date(after.expiresAt())));
        }
        updates.add(Updates.push("history", ConsentFold.toDocument(change)));
        views.updateOne(eq("_id", consentId), Updates.combine(updates));
    }

    /** The fold's state as the view stores it. */
    static ConsentFold.State stateOf(Document view) {
        return new ConsentFold.State(ConsentStatus.valueOf(view.getString("status")),
                                     Docs.instant(view, "authorisedAt"), Docs.instant(view, "expiresAt"),
                                     view.getList("history", Document.class, List.of()).stream()
                                         .map(ConsentFold::fromDocument).toList());
    }
}
