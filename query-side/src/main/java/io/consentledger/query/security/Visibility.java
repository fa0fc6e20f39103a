package io.consentledger.query.security;

import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentStatus;
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
     * its own links; a recipient only while it holds an AUTHORISED, unexpired consent granting BALANCES on the link.
     * Anyone else gets the answer for an unknown link.
     */
    public static boolean canSeeBalance(Caller caller, List<ConsentView> consentsOnLink) {
        return switch (caller.party()) {
            case AUDITOR -> true;
            case PROVIDER -> consentsOnLink.stream().anyMatch(c -> caller.isProvider(c.providerId()));
            case RECIPIENT -> consentsOnLink.stream().anyMatch(c -> caller.isRecipient(c.recipientId())
                    && c.status() == ConsentStatus.AUTHORISED && Scope.withImplied(c.scopes()).contains(Scope.BALANCES));
            case OPERATOR -> false;
        };
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
