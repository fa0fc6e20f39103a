package io.consentledger.query.security;

import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.AccessRecord;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.Party;

import java.util.List;
import java.util.Optional;

/**
 * Object-level rules of the query side (OWASP API1): an auditor sees every row; a provider the rows with its
 * providerId; a recipient the rows with its recipientId. Whatever filter a caller sends, it is narrowed to its own
 * rows; a filter naming another party matches nothing. Operators see no business data. The rules take what the read
 * models answer; this class reads none of them.
 */
public final class Visibility {

    private Visibility() {
    }

    public static boolean canSee(Caller caller, String providerId, String recipientId) {
        return switch (caller.party()) {
            case AUDITOR -> true;
            case PROVIDER -> caller.isProvider(providerId);
            case RECIPIENT -> caller.isRecipient(recipientId);
            case OPERATOR -> false;
        };
    }

    public static boolean canSee(ConsentView view) {
        return canSee(Callers.required(), view.providerId(), view.recipientId());
    }

    /**
     * Who may read a link's balance, given every consent on the link: an auditor every balance; a provider those of
     * its own links. A recipient never: the balance folds together what was shared under every consent on the link,
     * and a recipient receives its data from the provider when it is shared, not from the ledger's copy (the
     * function-level rules refuse it first; this is the second line). Anyone else gets the answer for an unknown link.
     */
    public static boolean canSeeBalance(Caller caller, List<ConsentView> consentsOnLink) {
        return switch (caller.party()) {
            case AUDITOR -> true;
            case PROVIDER -> consentsOnLink.stream().anyMatch(c -> caller.isProvider(c.providerId()));
            case RECIPIENT, OPERATOR -> false;
        };
    }

    /**
     * A consent as the caller may see it. A recipient never sees the bank's customer id, and sees the provider only
     * once the customer has authorised the consent (before that, a link id it was given must not tell it who holds
     * the account); providers and auditors see it whole.
     */
    public static ConsentView asSeenBy(Caller caller, ConsentView view) {
        if (!caller.is(Party.RECIPIENT)) {
            return view;
        }
        return new ConsentView(view.consentId(), view.recipientId(), null,
                               view.authorisedAt() == null ? null : view.providerId(), view.linkIds(), view.scopes(),
                               view.purposes(), view.window(), view.frequency(), view.requestedAt(),
                               view.authorisedAt(), view.expiresAt(), view.status(), view.recordedStatus(),
                               view.history(), view.checkpoint());
    }

    /** An access record as the caller may see it: a recipient never sees the bank's customer id. */
    public static AccessRecord asSeenBy(Caller caller, AccessRecord r) {
        if (!caller.is(Party.RECIPIENT)) {
            return r;
        }
        return new AccessRecord(r.eventId(), r.globalPosition(), r.sharedAt(), r.dataType(), r.shareId(),
                                r.recipientId(), r.providerId(), null, r.linkId(), r.consentId(), r.scope(),
                                r.purpose(), r.transactionIds(), r.newTransactionIds(), r.windowFrom(), r.windowTo(),
                                r.principal(), r.party(), r.correlationId(), r.leafIndex(), r.erased());
    }

    /** Whether the caller may filter access records by customer id: a recipient may not (it never knows one). */
    public static boolean mayFilterByCustomer(Caller caller) {
        return !caller.is(Party.RECIPIENT);
    }

    /** The caller's filter narrowed to its own records; empty when it names another party's. */
    public static Optional<AccessFilter> narrow(AccessFilter filter) {
        Caller caller = Callers.required();
        if (caller.is(Party.AUDITOR)) {
            return Optional.of(filter);
        }
        if (caller.is(Party.PROVIDER)) {
            if (filter.providerId() != null && !caller.isProvider(filter.providerId())) {
                return Optional.empty();
            }
            return Optional.of(new AccessFilter(filter.customerId(), filter.linkId(), filter.recipientId(),
                    caller.partyId(), filter.consentId(), filter.purpose(), filter.scope(), filter.from(), filter.to()));
        }
        if (caller.is(Party.RECIPIENT)) {
            if (filter.recipientId() != null && !caller.isRecipient(filter.recipientId())) {
                return Optional.empty();
            }
            return Optional.of(new AccessFilter(filter.customerId(), filter.linkId(), caller.partyId(),
                    filter.providerId(), filter.consentId(), filter.purpose(), filter.scope(), filter.from(), filter.to()));
        }
        return Optional.empty();
    }
}
