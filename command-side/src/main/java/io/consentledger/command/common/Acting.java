package io.consentledger.command.common;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RefusalReason;

import java.util.Objects;
import java.util.Set;

/**
 * Who sends a command, as the {@code party} entry of its metadata says: {@code PROVIDER:<providerId>},
 * {@code RECIPIENT:<recipientId>}, or {@code SYSTEM} for the ledger's own processors (expiry, unlink propagation).
 * The web layer always sets it from the authenticated caller and can never produce {@code SYSTEM}. A command
 * without it is refused (fail closed).
 * <p>
 * Ownership is checked first in every handler: for a party that does not own the aggregate the answer is exactly
 * the answer for an unknown id, so ids cannot be probed.
 */
public record Acting(String kind, String id) {

    public static final String PARTY = "party";
    public static final String PRINCIPAL = "principal";
    public static final String CORRELATION_ID = "correlationId";
    public static final String SYSTEM = "SYSTEM";
    /** The detail of every "unknown id" refusal, whether the id is unknown or someone else's. */
    public static final String NO_SUCH_ID = "No such id";

    public static Acting of(String party) {
        if (party == null || party.isBlank()) {
            return new Acting("NONE", null);
        }
        if (SYSTEM.equals(party)) {
            return new Acting(SYSTEM, null);
        }
        int colon = party.indexOf(':');
        return colon < 0 ? new Acting(party, null) : new Acting(party.substring(0, colon), party.substring(colon + 1));
    }

    public boolean system() {
        return SYSTEM.equals(kind);
    }

    public boolean provider(String providerId) {
        return "PROVIDER".equals(kind) && id != null && Objects.equals(id, providerId);
    }

    public boolean recipient(String recipientId) {
        return "RECIPIENT".equals(kind) && id != null && Objects.equals(id, recipientId);
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
