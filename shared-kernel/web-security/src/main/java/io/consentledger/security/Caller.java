package io.consentledger.security;

import io.consentledger.contracts.metadata.PartyLabel;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The authenticated caller: who ({@code principal}, the token's subject or the API key's name), as which party, and
 * for which provider or recipient ({@code partyId}, null for auditors and operators).
 */
public record Caller(String principal, Party party, String partyId) {

    /** Ids of principals and parties: the same alphabet the ledger's ids use. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public Caller {
        Objects.requireNonNull(party, "party");
        if (principal == null || !ID.matcher(principal).matches()) {
            throw new IllegalArgumentException("principal must match " + ID.pattern());
        }
        if (party.needsId() && (partyId == null || !ID.matcher(partyId).matches())) {
            throw new IllegalArgumentException(party + " needs a party id matching " + ID.pattern());
        }
        if (!party.needsId() && partyId != null && !ID.matcher(partyId).matches()) {
            throw new IllegalArgumentException("party id must match " + ID.pattern());
        }
    }

    /** The party as recorded in event metadata: {@code PROVIDER:bank-1}, {@code RECIPIENT:messenger}, {@code AUDITOR}. */
    public PartyLabel partyLabel() {
        return PartyLabel.of(party.name(), partyId);
    }

    /** {@link #partyLabel()} as written in metadata. */
    public String label() {
        return partyLabel().value();
    }

    public boolean is(Party kind) {
        return party == kind;
    }

    public boolean isProvider(String providerId) {
        return party == Party.PROVIDER && partyId.equals(providerId);
    }

    public boolean isRecipient(String recipientId) {
        return party == Party.RECIPIENT && partyId.equals(recipientId);
    }

    /** A key for per-caller state (rate limits, idempotency): party and principal. */
    public String key() {
        return label() + "|" + principal;
    }
}
