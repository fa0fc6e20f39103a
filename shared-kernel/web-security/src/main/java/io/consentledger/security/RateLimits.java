package io.consentledger.security;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-principal rate limit that applies to a caller: its principal's own limit if configured, else its party
 * kind's. Resolved once at start; a lookup per request is a map read.
 *
 * <p>Defaults, per instance (reasoning in docs/security.md, "Rate limits"): a PROVIDER (a bank, which shares on every
 * balance check and fraud alert of its customers) 2,000/s with a burst of 4,000; a RECIPIENT (a platform: consent
 * requests and reads) 1,000/s, burst 2,000; an AUDITOR 50/s, burst 100 (audit queries scan, and audits are
 * people and their tools); an OPERATOR 50/s, burst 200 (scrapes, dead-letter work).
 */
public final class RateLimits {

    /** The defaults per party kind, when nothing is configured. */
    public static final Map<Party, TokenBuckets.Limit> DEFAULTS = Map.of(
            Party.PROVIDER, new TokenBuckets.Limit(2_000, 4_000),
            Party.RECIPIENT, new TokenBuckets.Limit(1_000, 2_000),
            Party.AUDITOR, new TokenBuckets.Limit(50, 100),
            Party.OPERATOR, new TokenBuckets.Limit(50, 200));

    private final Map<Party, TokenBuckets.Limit> perParty;
    private final Map<String, Map<Party, TokenBuckets.Limit>> perPrincipal;

    private RateLimits(Map<Party, TokenBuckets.Limit> perParty, Map<String, Map<Party, TokenBuckets.Limit>> perPrincipal) {
        this.perParty = perParty;
        this.perPrincipal = perPrincipal;
    }

    /** The limits from configuration; refuses (at start) a limit that is not positive. */
    public static RateLimits of(LedgerSecurityProperties.RateLimit config) {
        Map<Party, TokenBuckets.Limit> perParty = new EnumMap<>(Party.class);
        for (Party party : Party.values()) {
            TokenBuckets.Limit fallback = DEFAULTS.get(party);
            LedgerSecurityProperties.Limit own = config.getPerParty().of(party);
            double perSecond = first(own.getRequestsPerSecond(), config.getRequestsPerSecond(), fallback.perSecond());
            int burst = first(own.getBurst(), config.getBurst(), fallback.burst());
            perParty.put(party, limit("per-party." + party.name().toLowerCase(java.util.Locale.ROOT), perSecond, burst));
        }
        Map<String, Map<Party, TokenBuckets.Limit>> perPrincipal = new HashMap<>();
        config.getPerPrincipal().forEach((principal, own) -> {
            // a principal's unset value falls back to its party kind's (the principal's kind is known per request)
            Map<Party, TokenBuckets.Limit> byParty = new EnumMap<>(Party.class);
            for (Party party : Party.values()) {
                TokenBuckets.Limit kind = perParty.get(party);
                byParty.put(party, limit("per-principal[" + principal + "]",
                                         first(own.getRequestsPerSecond(), null, kind.perSecond()),
                                         first(own.getBurst(), null, kind.burst())));
            }
            perPrincipal.put(principal, byParty);
        });
        return new RateLimits(perParty, perPrincipal);
    }

    /** The limit for this caller. */
    public TokenBuckets.Limit limitFor(Caller caller) {
        Map<Party, TokenBuckets.Limit> own = perPrincipal.get(caller.principal());
        return (own != null ? own : perParty).get(caller.party());
    }

    private static TokenBuckets.Limit limit(String key, double perSecond, int burst) {
        try {
            return new TokenBuckets.Limit(perSecond, burst);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("consent-ledger.security.rate-limit." + key + ": requests-per-second must "
                                                    + "be > 0 and burst >= 1 (got " + perSecond + ", " + burst + ")");
        }
    }

    private static <T> T first(T own, T deprecated, T fallback) {
        return own != null ? own : deprecated != null ? deprecated : fallback;
    }
}
