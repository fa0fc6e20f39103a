package io.consentledger.contracts.consent;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A recipient asks for access to one or more links. Structural checks happen here; the rules (links exist and are
 * linked, no prohibited purpose, expiry bound) are the aggregate's.
 */
public record RequestConsent(@TargetAggregateIdentifier String consentId,
                             String recipientId,
                             List<String> linkIds,
                             Set<Scope> scopes,
                             Set<Purpose> purposes,
                             Instant expiresAt,
                             TransactionWindow window,
                             AccessFrequency frequency) {

    /** The most links one consent may cover (issue 14: every list is bounded). */
    public static final int MAX_LINKS = 50;

    public RequestConsent {
        Checks.id(consentId, "consentId");
        Checks.id(recipientId, "recipientId");
        Checks.notEmpty(linkIds, "linkIds").forEach(id -> Checks.id(id, "linkIds[]"));
        if (linkIds.size() > MAX_LINKS) {
            throw new IllegalArgumentException("linkIds must hold at most " + MAX_LINKS + " entries");
        }
        if (Set.copyOf(linkIds).size() != linkIds.size()) {
            throw new IllegalArgumentException("linkIds must not repeat");
        }
        Checks.notEmpty(scopes, "scopes");
        Checks.notEmpty(purposes, "purposes");
        Checks.required(expiresAt, "expiresAt");
        Checks.required(window, "window").requireBoundedSpan();
        Checks.required(frequency, "frequency");
        linkIds = List.copyOf(linkIds);
        scopes = Set.copyOf(scopes);
        purposes = Set.copyOf(purposes);
    }
}
