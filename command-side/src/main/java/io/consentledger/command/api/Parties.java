package io.consentledger.command.api;

import io.consentledger.command.common.Forbidden;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.Party;

import java.util.Set;

/**
 * Property-level rules (OWASP API3) the web layer applies before sending: ids a caller may only name as itself are
 * filled in from the caller when omitted and refused (403) when they name someone else, and an initiator must be
 * one the caller's party can be. The aggregates check the same again from the command's metadata.
 */
final class Parties {

    private Parties() {
    }

    /** The recipient of a consent request: the calling recipient itself. */
    static String ownRecipientId(String named) {
        return ownId(Party.RECIPIENT, named, "Only a recipient requests consents",
                "A recipient may request consents for itself only");
    }

    /** The provider of a link: the calling provider itself. */
    static String ownProviderId(String named) {
        return ownId(Party.PROVIDER, named, "Only a provider links accounts", "A provider may link accounts it holds only");
    }

    /** The caller's own id when it is of {@code party} and {@code named} is omitted or names the caller. */
    private static String ownId(Party party, String named, String notThatParty, String notItself) {
        Caller caller = Callers.required();
        if (!caller.is(party)) {
            throw new Forbidden(notThatParty);
        }
        if (named != null && !named.equals(caller.partyId())) {
            throw new Forbidden(notItself);
        }
        return caller.partyId();
    }

    /** PROVIDER acts as itself or for the customer; RECIPIENT as itself; nobody outside the ledger is SYSTEM. */
    static void requireInitiatorOfCaller(Initiator initiator) {
        Caller caller = Callers.required();
        Set<Initiator> allowed = switch (caller.party()) {
            case PROVIDER -> Set.of(Initiator.PROVIDER, Initiator.CUSTOMER);
            case RECIPIENT -> Set.of(Initiator.RECIPIENT);
            default -> Set.of();
        };
        if (!allowed.contains(initiator)) {
            throw new Forbidden("A " + caller.party() + " may not act as initiator " + initiator);
        }
    }
}
