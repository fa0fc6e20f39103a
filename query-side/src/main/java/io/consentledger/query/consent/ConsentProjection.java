package io.consentledger.query.consent;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.query.projection.ConsentTermsDocs;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;

/**
 * Writes the consent views and the customers' dashboards; {@link ConsentViews} reads them.
 * <p>
 * Events of one consent are handled in order (Axon's default sequencing per aggregate), so each handler reads the
 * view by {@code _id}, and a history entry keyed by the event's id makes every handler idempotent. The customer index
 * ({@code _id} = customer id) lets the dashboard load consents by {@code _id $in}, never by a scan.
 */
@Component
@ProcessingGroup(ConsentProjection.GROUP)
public class ConsentProjection {

    public static final String GROUP = "consents";
    static final String VIEWS = "consent_views";
    static final String CUSTOMERS = "customer_consents";

    private final MongoCollection<Document> views;
    private final MongoCollection<Document> customers;

    public ConsentProjection(MongoDatabase database) {
        this.views = database.getCollection(VIEWS);
        this.customers = database.getCollection(CUSTOMERS);
        // who may read a link's balance is looked up by link (multikey); the embedded store ignores it and scans
        views.createIndex(com.mongodb.client.model.Indexes.ascending("linkIds"),
                          new com.mongodb.client.model.IndexOptions().name("linkIds"));
    }

    @EventHandler
    void on(ConsentRequested event, @MessageIdentifier String eventId) {
        Document view = new Document("_id", event.consentId())
                .append("customerId", event.customerId())
                .append("providerId", event.providerId())
                .append("requestedAt", Docs.date(event.requestedAt()))
                .append("status", ConsentStatus.AWAITING_AUTHORISATION.name())
                .append("history", List.of(change(eventId, "REQUESTED", ConsentStatus.AWAITING_AUTHORISATION,
                                                  event.requestedAt(), null, Initiator.RECIPIENT)));
        view.putAll(ConsentTermsDocs.terms(event));
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
    void on(ConsentAuthorised event, @MessageIdentifier String eventId) {
        transition(event.consentId(), eventId,
                   change(eventId, "AUTHORISED", ConsentStatus.AUTHORISED, event.authorisedAt(), null, Initiator.PROVIDER),
                   Updates.set("authorisedAt", Docs.date(event.authorisedAt())),
                   Updates.set("expiresAt", Docs.date(event.expiresAt())));
    }

    @EventHandler
    void on(ConsentReauthorised event, @MessageIdentifier String eventId) {
        transition(event.consentId(), eventId,
                   change(eventId, "REAUTHORISED", ConsentStatus.AUTHORISED, event.reauthorisedAt(), null,
                          Initiator.PROVIDER),
                   Updates.set("authorisedAt", Docs.date(event.reauthorisedAt())),
                   Updates.set("expiresAt", Docs.date(event.expiresAt())));
    }

    @EventHandler
    void on(ConsentRejected event, @MessageIdentifier String eventId) {
        transition(event.consentId(), eventId,
                   change(eventId, "REJECTED", ConsentStatus.REJECTED, event.rejectedAt(), null, event.initiator()));
    }

    @EventHandler
    void on(ConsentRevoked event, @MessageIdentifier String eventId) {
        transition(event.consentId(), eventId,
                   change(eventId, "REVOKED", ConsentStatus.REVOKED, event.revokedAt(), event.reason().name(),
                          event.initiator()));
    }

    @EventHandler
    void on(ConsentExpired event, @MessageIdentifier String eventId) {
        transition(event.consentId(), eventId,
                   change(eventId, "EXPIRED", ConsentStatus.EXPIRED, event.expiresAt(), null, Initiator.SYSTEM));
    }

    @ResetHandler
    void reset() {
        views.deleteMany(new Document());
        customers.deleteMany(new Document());
    }

    private void transition(String consentId, String eventId, Document change, Bson... updates) {
        Document view = views.find(eq("_id", consentId)).first();
        if (view == null) {
            throw new IllegalStateException("No view for consent " + consentId + "; its request was not projected");
        }
        boolean seen = view.getList("history", Document.class, List.of()).stream()
                           .anyMatch(entry -> eventId.equals(entry.getString("eventId")));
        if (seen) {
            return; // delivered twice: already applied
        }
        List<Bson> all = new ArrayList<>(List.of(updates));
        all.add(Updates.set("status", change.getString("status")));
        all.add(Updates.push("history", change));
        views.updateOne(eq("_id", consentId), Updates.combine(all));
    }

    private static Document change(String eventId, String what, ConsentStatus status, Instant at, String reason,
                                   Initiator initiator) {
        return new Document("eventId", eventId).append("change", what).append("status", status.name())
                                                .append("at", Docs.date(at)).append("reason", reason)
                                                .append("initiator", initiator == null ? null : initiator.name());
    }
}
