package io.consentledger.query.consent;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.query.projection.ConsentTermsDocs;
import io.consentledger.query.projection.Docs;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * The one door to the consent views and dashboards that {@link ConsentProjection} writes: the queries of the query
 * bus, who may read a link's balance, and the counts by status. Every answer carries the effective status: a consent
 * AUTHORISED or AWAITING_AUTHORISATION at or past {@code expiresAt} reads EXPIRED before {@code ConsentExpired} lands.
 */
@Component
public class ConsentViews {

    private final MongoCollection<Document> views;
    private final MongoCollection<Document> customers;
    private final Clock clock;

    public ConsentViews(MongoDatabase database, Clock clock) {
        this.views = database.getCollection(ConsentProjection.VIEWS);
        this.customers = database.getCollection(ConsentProjection.CUSTOMERS);
        this.clock = clock;
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

    /** Every consent that covers the link (for who may read its balance). Served by a multikey index on linkIds. */
    public List<ConsentView> onLink(String linkId) {
        List<ConsentView> found = new ArrayList<>();
        views.find(eq("linkIds", linkId)).limit(10_000).forEach(d -> found.add(toView(d)));
        return found;
    }

    /** How many consents are in each effective status; reads two fields of every view. */
    public Map<ConsentStatus, Long> countByStatus() {
        Map<ConsentStatus, Long> counts = new EnumMap<>(ConsentStatus.class);
        Instant now = clock.instant();
        for (Document view : views.find().projection(new Document("status", 1).append("expiresAt", 1))) {
            counts.merge(effective(ConsentStatus.valueOf(view.getString("status")), Docs.instant(view, "expiresAt"), now),
                         1L, Long::sum);
        }
        return counts;
    }

    /**
     * The status the command side enforces: from {@code expiresAt} on, a consent not yet terminal (awaiting
     * authorisation or authorised) is refused as expired, so it reads EXPIRED; terminal states stay as recorded.
     */
    private static ConsentStatus effective(ConsentStatus recorded, Instant expiresAt, Instant now) {
        return !recorded.isTerminal() && expiresAt != null && !now.isBefore(expiresAt)
                ? ConsentStatus.EXPIRED : recorded;
    }

    private ConsentView toView(Document d) {
        ConsentStatus recorded = ConsentStatus.valueOf(d.getString("status"));
        Instant expiresAt = Docs.instant(d, "expiresAt");
        List<ConsentView.StatusChange> history = d.getList("history", Document.class, List.of()).stream()
                .map(h -> new ConsentView.StatusChange(h.getString("change"), ConsentStatus.valueOf(h.getString("status")),
                                                       Docs.instant(h, "at"), h.getString("reason"),
                                                       h.getString("initiator"), h.getString("eventId")))
                .toList();
        return new ConsentView(d.getString("_id"), d.getString("recipientId"), d.getString("customerId"),
                               d.getString("providerId"), Docs.strings(d, "linkIds"),
                               ConsentTermsDocs.scopes(d), ConsentTermsDocs.purposes(d),
                               ConsentTermsDocs.window(d.get("window", Document.class)),
                               ConsentTermsDocs.frequency(d.get("frequency", Document.class)),
                               Docs.instant(d, "requestedAt"), Docs.instant(d, "authorisedAt"), expiresAt,
                               effective(recorded, expiresAt, clock.instant()), recorded, history);
    }
}
