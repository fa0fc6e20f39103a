package io.consentledger.contracts.common;

import java.util.EnumSet;
import java.util.Set;

/**
 * Data clusters a consent may grant.
 * <p>
 * A detailed permission implies its basic counterpart (OB UK): {@link #TRANSACTIONS} (all of the account's
 * transactions) implies {@link #TRANSACTIONS_VIA_RECIPIENT} (only those whose channel is the recipient itself).
 */
public enum Scope {
    ACCOUNT_DETAILS,
    BALANCES,
    TRANSACTIONS,
    TRANSACTIONS_VIA_RECIPIENT;

    /** The scopes this one grants, itself included. */
    public Set<Scope> implied() {
        return this == TRANSACTIONS ? EnumSet.of(TRANSACTIONS, TRANSACTIONS_VIA_RECIPIENT) : EnumSet.of(this);
    }

    /** The requested scopes plus every basic counterpart they imply. */
    public static Set<Scope> withImplied(Set<Scope> requested) {
        Set<Scope> all = EnumSet.noneOf(Scope.class);
        requested.forEach(scope -> all.addAll(scope.implied()));
        return all;
    }
}
