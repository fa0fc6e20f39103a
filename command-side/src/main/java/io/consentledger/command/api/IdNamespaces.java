package io.consentledger.command.api;

import io.consentledger.command.api.problem.InvalidRequest;
import io.consentledger.command.common.Forbidden;

/**
 * Client-chosen ids of new links and consents, and the callers' namespaces (issue 14, finding 11). Aggregate ids are
 * global in the event store, so a create on a taken id must be refused, and that refusal says the id exists. A
 * party's namespace is its own: an id {@code <partyId>:<anything>} may be chosen by that party only (anyone else:
 * 403 {@code forbidden}, whether or not the id exists), so a create in one's own namespace collides only with one's
 * own objects. Ids the server generates are random UUIDs. With {@code consent-ledger.ids.require-namespace=true}
 * every client-chosen id must be in the caller's namespace (400 {@code invalid-request} otherwise), which closes
 * the oracle completely; it is off by default so that existing clients' plain ids keep working.
 */
public record IdNamespaces(boolean required) {

    /** Returns {@code id} if {@code partyId} may choose it for a new link or consent. */
    public String check(String id, String partyId, String field) {
        String own = partyId + ":";
        if (id.startsWith(own) && id.length() > own.length()) {
            return id;
        }
        if (id.indexOf(':') >= 0) {
            throw new Forbidden(field + " is in another party's namespace; choose <your id>:<name> or let the ledger choose");
        }
        if (required) {
            throw new InvalidRequest(field + " must be in the caller's namespace (<your id>:<name>), or omitted");
        }
        return id;
    }
}
