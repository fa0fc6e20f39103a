package io.consentledger.query.consent;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.query.projection.Docs;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one fold of a consent's status: which change each event is ({@link #changeOf}), and what a change does to the
 * state ({@link #apply}). {@link ConsentProjection} applies each event's change to the stored view as it arrives, and
 * a point-in-time answer ({@link ConsentViews}) folds the stored changes whose leaf index is below the checkpoint's
 * tree size from nothing. Both run this code, so there is no second copy of the status rules. Pure: no store, no
 * clock.
 */
public final class ConsentFold {

    private ConsentFold() {
    }

    /**
     * One entry of a consent's history, as stored in its view.
     *
     * @param leafIndex    the event's leaf in the verifiable log (equal to its global position); null for an entry stored
     *                     before leaf indexes were recorded
     * @param authorisedAt set by this change, or null when it leaves the authorisation time as it was
     * @param expiresAt    set by this change, or null when it leaves the expiry as it was
     */
    public record Change(String eventId, Long leafIndex, String change, ConsentStatus status, Instant at,
                         String reason, String initiator, Instant authorisedAt, Instant expiresAt) {
    }

    /** A consent's state after some of its changes; {@code status} null before its request. */
    public record State(ConsentStatus status, Instant authorisedAt, Instant expiresAt, List<Change> history) {

        public static final State NONE = new State(null, null, null, List.of());

        boolean seen(String eventId) {
            return history.stream().anyMatch(change -> change.eventId().equals(eventId));
        }
    }

    /** The change an event of a consent's lifecycle makes; null for any other event. */
    public static Change changeOf(Object event, String eventId, Long leafIndex) {
        if (event instanceof ConsentRequested e) {
            return new Change(eventId, leafIndex, "REQUESTED", ConsentStatus.AWAITING_AUTHORISATION, e.requestedAt(),
                              null, Initiator.RECIPIENT.name(), null, e.expiresAt());
        }
        if (event instanceof ConsentAuthorised e) {
            return new Change(eventId, leafIndex, "AUTHORISED", ConsentStatus.AUTHORISED, e.authorisedAt(), null,
                              Initiator.PROVIDER.name(), e.authorisedAt(), e.expiresAt());
        }
        if (event instanceof ConsentReauthorised e) {
            return new Change(eventId, leafIndex, "REAUTHORISED", ConsentStatus.AUTHORISED, e.reauthorisedAt(), null,
                              Initiator.PROVIDER.name(), e.reauthorisedAt(), e.expiresAt());
        }
        if (event instanceof ConsentRejected e) {
            return new Change(eventId, leafIndex, "REJECTED", ConsentStatus.REJECTED, e.rejectedAt(), null,
                              name(e.initiator()), null, null);
        }
        if (event instanceof ConsentRevoked e) {
            return new Change(eventId, leafIndex, "REVOKED", ConsentStatus.REVOKED, e.revokedAt(),
                              e.reason().name(), name(e.initiator()), null, null);
        }
        if (event instanceof ConsentExpired e) {
            return new Change(eventId, leafIndex, "EXPIRED", ConsentStatus.EXPIRED, e.expiresAt(), null,
                              Initiator.SYSTEM.name(), null, null);
        }
        return null;
    }

    /** The state after {@code change}; the same state when the change was applied already (delivered twice). */
    public static State apply(State state, Change change) {
        if (state.seen(change.eventId())) {
            return state;
        }
        List<Change> history = new ArrayList<>(state.history());
        history.add(change);
        return new State(change.status(),
                         change.authorisedAt() != null ? change.authorisedAt() : state.authorisedAt(),
                         change.expiresAt() != null ? change.expiresAt() : state.expiresAt(),
                         List.copyOf(history));
    }

    /** The state after the changes whose leaf index is below {@code treeSize}, in log order, from nothing. */
    public static State foldBelow(List<Change> changes, long treeSize) {
        State state = State.NONE;
        for (Change change : changes.stream().filter(c -> c.leafIndex() < treeSize)
                                    .sorted(Comparator.comparingLong(Change::leafIndex)).toList()) {
            state = apply(state, change);
        }
        return state;
    }

    /**
     * The status the command side enforces: from {@code expiresAt} on, a consent not yet terminal (awaiting
     * authorisation or authorised) is refused as expired, so it reads EXPIRED before {@code ConsentExpired} lands;
     * terminal states stay as recorded.
     */
    public static ConsentStatus effective(ConsentStatus recorded, Instant expiresAt, Instant now) {
        return !recorded.isTerminal() && expiresAt != null && !now.isBefore(expiresAt)
                ? ConsentStatus.EXPIRED : recorded;
    }

    static Document toDocument(Change c) {
        Document entry = new Document("eventId", c.eventId()).append("change", c.change())
                .append("status", c.status().name()).append("at", Docs.date(c.at())).append("reason", c.reason())
                .append("initiator", c.initiator()).append("leafIndex", c.leafIndex());
        if (c.authorisedAt() != null) {
            entry.append("authorisedAt", Docs.date(c.authorisedAt()));
        }
        if (c.expiresAt() != null) {
            entry.append("expiresAt", Docs.date(c.expiresAt()));
        }
        return entry;
    }

    static Change fromDocument(Document d) {
        Number leafIndex = d.get("leafIndex", Number.class);
        return new Change(d.getString("eventId"), leafIndex == null ? null : leafIndex.longValue(),
                          d.getString("change"), ConsentStatus.valueOf(d.getString("status")), Docs.instant(d, "at"),
                          d.getString("reason"), d.getString("initiator"), Docs.instant(d, "authorisedAt"),
                          Docs.instant(d, "expiresAt"));
    }

    static ConsentView.StatusChange toStatusChange(Change c) {
        return new ConsentView.StatusChange(c.change(), c.status(), c.at(), c.reason(), c.initiator(), c.eventId(),
                                            c.leafIndex());
    }

    private static String name(Initiator initiator) {
        return initiator == null ? null : initiator.name();
    }
}
