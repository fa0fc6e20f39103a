package io.consentledger.contracts.metadata;

import java.util.Objects;

/**
 * A party as recorded in message metadata ({@link Attribution#PARTY}): a kind and, for providers and recipients, an
 * id, written {@code PROVIDER:bank-1}, {@code RECIPIENT:messenger}, {@code AUDITOR}, or {@code SYSTEM} for the ledger's
 * own processors. {@link #parse} never fails: a missing label is {@link #NONE}, which owns nothing.
 */
public record PartyLabel(String kind, String id) {

    public static final String PROVIDER = "PROVIDER";
    public static final String RECIPIENT = "RECIPIENT";
    /** The ledger itself (expiry, unlink propagation); never produced from an HTTP caller. */
    public static final PartyLabel SYSTEM = new PartyLabel("SYSTEM", null);
    /** No party named: refused by every ownership check. */
    public static final PartyLabel NONE = new PartyLabel("NONE", null);

    public PartyLabel {
        Objects.requireNonNull(kind, "kind");
        if (kind.isBlank() || kind.indexOf(':') >= 0) {
            throw new IllegalArgumentException("kind must be a non-blank word without ':'");
        }
        if (id != null && id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
    }

    public static PartyLabel of(String kind, String id) {
        return new PartyLabel(kind, id);
    }

    /** Reads a label as written by {@link #value()}; null or blank is {@link #NONE}. */
    public static PartyLabel parse(String label) {
        if (label == null || label.isBlank()) {
            return NONE;
        }
        int colon = label.indexOf(':');
        if (colon <= 0 || colon == label.length() - 1) {
            return colon < 0 ? new PartyLabel(label, null) : NONE;
        }
        return new PartyLabel(label.substring(0, colon), label.substring(colon + 1));
    }

    /** The label as stored: {@code KIND:id}, or {@code KIND} without an id. */
    public String value() {
        return id == null ? kind : kind + ":" + id;
    }

    public boolean system() {
        return equals(SYSTEM);
    }

    public boolean isProvider(String providerId) {
        return PROVIDER.equals(kind) && id != null && id.equals(providerId);
    }

    public boolean isRecipient(String recipientId) {
        return RECIPIENT.equals(kind) && id != null && id.equals(recipientId);
    }

    @Override
    public String toString() {
        return value();
    }
}
