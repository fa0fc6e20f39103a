package io.consentledger.query.consent;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.query.asof.ReplayRequired;
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
        Document view = views.find(eq("_id", query.consentId())).first();
        if (view == null) {
            return Optional.empty();
        }
        return query.asOf() == null ? Optional.of(toView(view)) : asOf(view, query.asOf());
    }

    @QueryHandler
    public List<ConsentView> handle(FindCustomerConsents query) {
        Document index = customers.find(eq("_id", query.customerId())).first();
        if (index == null) {
            return List.of();
        }
        List<String> ids = Docs.strings(index, "consentIds");
        List<ConsentView> result = new ArrayList<>();
        views.find(in("_id", ids)).forEach(document -> {
            if (query.asOf() == null) {
                result.add(toView(document));
            } else {
                asOf(document, query.asOf()).ifPresent(result::add);
            }
        });
        // newest request first, then by id: an order of the log's facts, not of how the store returns the documents
        result.sort(Comparator.comparing(ConsentView::requestedAt).reversed().thenComparing(ConsentView::consentId));
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
        return ConsentFold.effective(recorded, expiresAt, now);
    }

    /**
     * The view as the log stood at {@code checkpoint}: the stored changes whose leaf index is below its tree size,
     * folded from nothing by {@link ConsentFold} (the projection's own fold), with the status effective at the
     * checkpoint's {@code signedAt}. Empty when the consent was not requested by then. A consent's terms are fixed
     * by its request, so they come from the view.
     *
     * @throws ReplayRequired when the view holds changes stored before leaf indexes were recorded
     */
    Optional<ConsentView> asOf(Document d, LogCheckpoint checkpoint) {
        List<ConsentFold.Change> changes = d.getList("history", Document.class, List.of()).stream()
                                            .map(ConsentFold::fromDocument).toList();
        if (changes.stream().anyMatch(change -> change.leafIndex() == null)) {
            throw new ReplayRequired("The view of consent " + d.getString("_id") + " was stored before leaf indexes "
                                             + "were recorded; replay the " + ConsentProjection.GROUP + " processor");
        }
        ConsentFold.State state = ConsentFold.foldBelow(changes, checkpoint.treeSize());
        if (state.status() == null) {
            return Optional.empty();
        }
        return Optional.of(view(d, state, ConsentFold.effective(state.status(), state.expiresAt(),
                                                                checkpoint.signedAt()), checkpoint));
    }

    private ConsentView toView(Document d) {
        ConsentFold.State state = ConsentProjection.stateOf(d);
        return view(d, state, effective(state.status(), state.expiresAt(), clock.instant()), null);
    }

    private static ConsentView view(Document d, ConsentFold.State state, ConsentStatus effective,
                                    LogCheckpoint checkpoint) {
        return new ConsentView(d.getString("_id"), d.getString("recipientId"), d.getString("customerId"),
                               d.getString("providerId"), Docs.strings(d, "linkIds"),
                               ConsentTermsDocs.scopes(d), ConsentTermsDocs.purposes(d),
                               ConsentTermsDocs.window(d.get("window", Document.class)),
                               ConsentTermsDocs.frequency(d.get("frequency", Document.class)),
                               Docs.instant(d, "requestedAt"), state.authorisedAt(), state.expiresAt(),
                               effective, state.status(),
                               state.history().stream().map(ConsentFold::toStatusChange).toList(), checkpoint);
    }
}
