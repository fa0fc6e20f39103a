package io.consentledger.query.consent;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.query.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Consent views and the customers' dashboards.
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
    private final Clock clock;

    public ConsentProjection(MongoDatabase database, Clock clock) {
        this.views = database.getCollection(VIEWS);
        this.customers = database.getCollection(CUSTOMERS);
        this.clock = clock;
        // who may read a link's balance is looked up by link (multikey); the embedded store ignores it and scans
        views.createIndex(com.mongodb.client.model.Indexes.ascending("linkIds"),
                          new com.mongodb.client.model.IndexOptions().name("linkIds"));
    }

    @EventHandler
    void on(ConsentRequested event, @MessageIdentifier String eventId) {
        Document view = new Document("_id", event.consentId())
                .append("recipientId", event.recipientId())
                .append("customerId", event.customerId())
                .append("providerId", event.providerId())
                .append("linkIds", event.links().stream().map(ConsentedLink::linkId).toList())
                .append("scopes", names(event.scopes()))
                .append("purposes", names(event.purposes()))
                .append("window", window(event.window()))
                .append("frequency", new Document("oneOff", event.frequency().oneOff())
                        .append("maxPerDay", event.frequency().maxPerDay()))
                .append("requestedAt", Docs.date(event.requestedAt()))
                .append("expiresAt", Docs.date(event.expiresAt()))
                .append("status", ConsentStatus.AWAITING_AUTHORISATION.name())
                .append("history", List.of(change(eventId, "REQUESTED", ConsentStatus.AWAITING_AUTHORISATION,
                                                  event.requestedAt(), null, Initiator.RECIPIENT)));
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

    /** Every consent that covers the link (for who may read its balance). Served by a multikey index on linkIds. */
    public List<ConsentView> consentsOnLink(String linkId) {
        List<ConsentView> found = new ArrayList<>();
        views.find(eq("linkIds", linkId)).limit(10_000).forEach(d -> found.add(toView(d)));
        return found;
    }

    @QueryHandler
    public Optional<ConsentView> handle(FindConsent query) {
        return Optional.ofNullable(views.find(eq("_id", query.consentId())).first()).map(this::toView);
    }

    @QueryHandler
    public List<ConsentView> handle(FindCustomerConsents query) {
        Document index = customers.find(eq("_id", query.customerId())).first();
        if (index == null) {
            return List.of();
        }
        List<String> ids = Docs.strings(index, "consentIds");
        List<ConsentView> result = new ArrayList<>();
        views.find(in("_id", ids)).forEach(document -> result.add(toView(document)));
        result.sort(Comparator.comparing(ConsentView::requestedAt).reversed());
        return result;
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

    private static Document window(TransactionWindow window) {
        return new Document("from", Docs.date(window.from())).append("to", Docs.date(window.to()))
                                                             .append("lookbackDays", window.lookbackDays());
    }

    private static List<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).sorted().toList();
    }

    private ConsentView toView(Document d) {
        ConsentStatus recorded = ConsentStatus.valueOf(d.getString("status"));
        Instant expiresAt = Docs.instant(d, "expiresAt");
        ConsentStatus effective = recorded == ConsentStatus.AUTHORISED && expiresAt != null
                && !clock.instant().isBefore(expiresAt) ? ConsentStatus.EXPIRED : recorded;
        Document w = d.get("window", Document.class);
        TransactionWindow window = w == null ? null : w.getInteger("lookbackDays") != null
                ? TransactionWindow.lookback(w.getInteger("lookbackDays"))
                : TransactionWindow.fixed(Docs.instant(w, "from"), Docs.instant(w, "to"));
        Document f = d.get("frequency", Document.class);
        AccessFrequency frequency = f == null ? null : f.getBoolean("oneOff") ? AccessFrequency.once()
                : AccessFrequency.perDay(f.getInteger("maxPerDay"));
        List<ConsentView.StatusChange> history = d.getList("history", Document.class, List.of()).stream()
                .map(h -> new ConsentView.StatusChange(h.getString("change"), ConsentStatus.valueOf(h.getString("status")),
                                                       Docs.instant(h, "at"), h.getString("reason"),
                                                       h.getString("initiator"), h.getString("eventId")))
                .toList();
        return new ConsentView(d.getString("_id"), d.getString("recipientId"), d.getString("customerId"),
                               d.getString("providerId"), Docs.strings(d, "linkIds"),
                               Docs.strings(d, "scopes").stream().map(Scope::valueOf)
                                   .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class))),
                               Docs.strings(d, "purposes").stream().map(Purpose::valueOf)
                                   .collect(Collectors.toCollection(() -> EnumSet.noneOf(Purpose.class))),
                               window, frequency, Docs.instant(d, "requestedAt"), Docs.instant(d, "authorisedAt"),
                               expiresAt, effective, recorded, history);
    }
}
