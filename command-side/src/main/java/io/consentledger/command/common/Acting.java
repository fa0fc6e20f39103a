package io.consentledger.command.common;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.contracts.metadata.PartyLabel;

import java.util.Set;

/**
 * Who sends a command, as the {@link Attribution#PARTY} entry of its metadata says (a {@link PartyLabel}):
 * {@code PROVIDER:<providerId>}, {@code RECIPIENT:<recipientId>}, or {@code SYSTEM} for the ledger's own processors
 * (expiry, unlink propagation). The web layer always sets it from the authenticated caller and can never produce
 * {@code SYSTEM}. A command without it is refused (fail closed).
 * <p>
 * Ownership is checked first in every handler: for a party that does not own the aggregate the answer is exactly
 * the answer for an unknown id, so ids cannot be probed.
 */
public record Acting(PartyLabel party) {

    /** The detail of every "unknown id" refusal, whether the id is unknown or someone else's. */
    public static final String NO_SUCH_ID = "No such id";

    public static Acting of(String party) {
        return new Acting(PartyLabel.parse(party));
    }

    public boolean system() {
        return party.system();
    }

    public boolean provider(String providerId) {
        return party.isProvider(providerId);
    }

    public boolean recipient(String recipientId) {
        return party.isRecipient(recipientId);
    }

    /** Refused as unknown unless the system or the owning provider sends it. */
    public void requireProvider(String providerId, RefusalReason whenNot) {
        if (!system() && !provider(providerId)) {
            throw LedgerRefusal.of(whenNot, NO_SUCH_ID);
        }
    }

    /** A provider acts for itself or records the customer's decision; only the ledger itself is SYSTEM. */
    public void requireProviderInitiator(Initiator initiator) {
        if (!system() && !Set.of(Initiator.PROVIDER, Initiator.CUSTOMER).contains(initiator)) {
            throw new Forbidden("A provider may act as PROVIDER or on the customer's behalf (CUSTOMER) only");
        }
    }
}
