package io.consentledger.query.security;

import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.query.consent.ConsentView;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.Party;

import java.util.Optional;

/**
 * Object-level rules of the query side (OWASP API1): an auditor sees every row; a provider the rows with its
 * providerId; a recipient the rows with its recipientId. Whatever filter a caller sends, it is narrowed to its own
 * rows; a filter naming another party matches nothing. Operators see no business data.
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
