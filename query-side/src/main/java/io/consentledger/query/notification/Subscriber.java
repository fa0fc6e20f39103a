package io.consentledger.query.notification;

import io.consentledger.security.Caller;
import io.consentledger.security.Party;

import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a webhook and receives notifications: a provider or a recipient, by id. Its {@link #key()} is the form
 * stored with webhooks and deliveries ({@code PROVIDER:bank-1}), the same as {@link Caller#label()}.
 */
public record Subscriber(Party party, String id) {

    public Subscriber {
        Objects.requireNonNull(party, "party");
        if (party != Party.PROVIDER && party != Party.RECIPIENT) {
            throw new IllegalArgumentException("only providers and recipients receive notifications, not " + party);
        }
        if (id == null || !Caller.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("subscriber id must match " + Caller.ID.pattern());
        }
    }

    public static Subscriber provider(String id) {
        return new Subscriber(Party.PROVIDER, id);
    }

    public static Subscriber recipient(String id) {
        return new Subscriber(Party.RECIPIENT, id);
    }

    /** The subscriber a caller acts as; empty for auditors and operators, who own no webhooks. */
    public static Optional<Subscriber> of(Caller caller) {
        if (caller.party() == Party.PROVIDER || caller.party() == Party.RECIPIENT) {
            return Optional.of(new Subscriber(caller.party(), caller.partyId()));
        }
        return Optional.empty();
    }

    public String key() {
        return party.name() + ":" + id;
    }

    public static Subscriber parse(String key) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a subscriber key: " + key);
        }
        return new Subscriber(Party.valueOf(key.substring(0, colon)), key.substring(colon + 1));
    }
}
