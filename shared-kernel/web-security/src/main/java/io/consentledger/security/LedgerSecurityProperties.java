package io.consentledger.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code consent-ledger.security.*}. Production sets {@code jwt.issuer}, {@code jwt.audience} and
 * {@code jwt.jwk-set-uri}; without an issuer the mode defaults to {@code dev-api-keys}, which logs a warning at start.
 */
@ConfigurationProperties("consent-ledger.security")
public class LedgerSecurityProperties {

    /** {@code jwt} or {@code dev-api-keys}; empty: {@code jwt} when an issuer is set, else {@code dev-api-keys}. */
    private String mode = "";
    private final Jwt jwt = new Jwt();
    /** Developer API keys, only read in {@code dev-api-keys} mode: each a SHA-256 (hex) of the key and its caller. */
    private List<ApiKey> apiKeys = new ArrayList<>();
    private final RateLimit rateLimit = new RateLimit();
    /** Request bodies larger than this are refused with 413 before anything reads them, on both applications. */
    private int maxRequestBytes = 262_144;
    /** How long a request body may take to arrive, from when its headers are in; later reads are answered 408. */
    private java.time.Duration requestArrivalTimeout = java.time.Duration.ofSeconds(10);
    /** Worker threads (of {@code server.tomcat.threads.max}) the API may not take: they stay free for health. */
    private int reservedThreads = 20;

    public Mode effectiveMode() {
        if (mode == null || mode.isBlank()) {
            return jwt.issuer == null || jwt.issuer.isBlank() ? Mode.DEV_API_KEYS : Mode.JWT;
        }
        return switch (mode.trim()) {
            case "jwt" -> Mode.JWT;
            case "dev-api-keys" -> Mode.DEV_API_KEYS;
            default -> throw new IllegalStateException("consent-ledger.security.mode must be jwt or dev-api-keys");
        };
    }

    public enum Mode { JWT, DEV_API_KEYS }

    public static class Jwt {
        /** The expected {@code iss}. */
        private String issuer;
        /** The expected {@code aud} (one of the token's audiences). */
        private String audience;
        /** Where the issuer publishes its signing keys (JWKS). */
        private String jwkSetUri;
        /** The claim naming the party: PROVIDER, RECIPIENT, AUDITOR or OPERATOR. */
        private String partyClaim = "party";
        /** The claim naming the provider's or recipient's id. */
        private String partyIdClaim = "party_id";

        public String getIssuer() { return issuer; }
        public void setIssuer(String issuer) { this.issuer = issuer; }
        public String getAudience() { return audience; }
        public void setAudience(String audience) { this.audience = audience; }
        public String getJwkSetUri() { return jwkSetUri; }
        public void setJwkSetUri(String jwkSetUri) { this.jwkSetUri = jwkSetUri; }
        public String getPartyClaim() { return partyClaim; }
        public void setPartyClaim(String partyClaim) { this.partyClaim = partyClaim; }
        public String getPartyIdClaim() { return partyIdClaim; }
        public void setPartyIdClaim(String partyIdClaim) { this.partyIdClaim = partyIdClaim; }
    }

    public static class ApiKey {
        /** Lower-case hex SHA-256 of the key's UTF-8 bytes; the key itself is never configured. */
        private String sha256;
        private String principal;
        private Party party;
        private String partyId;

        public String getSha256() { return sha256; }
        public void setSha256(String sha256) { this.sha256 = sha256; }
        public String getPrincipal() { return principal; }
        public void setPrincipal(String principal) { this.principal = principal; }
        public Party getParty() { return party; }
        public void setParty(Party party) { this.party = party; }
        public String getPartyId() { return partyId; }
        public void setPartyId(String partyId) { this.partyId = partyId; }
    }

    /**
     * Per-principal rate limits, per instance. A principal's limit is, first that is set: its own entry in
     * {@code per-principal}, its party kind's explicitly set {@code per-party.<kind>} values, the deprecated
     * {@code requests-per-second}/{@code burst} (which applied to every principal before per-party limits), then the
     * party kind's default. Reasoning in docs/security.md, "Rate limits".
     */
    public static class RateLimit {
        private boolean enabled = true;
        /** Deprecated: use {@code per-party.<kind>.requests-per-second}. When set, every party kind without its own value uses it. */
        private Double requestsPerSecond;
        /** Deprecated: use {@code per-party.<kind>.burst}. When set, every party kind without its own value uses it. */
        private Integer burst;
        /** Limits per party kind: provider, recipient, auditor, operator. */
        private final PerParty perParty = new PerParty();
        /** Limits for named principals (the token's subject or the API key's principal), over their party kind's. */
        private Map<String, Limit> perPrincipal = new LinkedHashMap<>();
        /** Failed authentications (401, ambiguous credentials) per client address, before any principal is known. */
        private final PerAddress perAddress = new PerAddress();

        public PerAddress getPerAddress() { return perAddress; }
        public PerParty getPerParty() { return perParty; }
        public Map<String, Limit> getPerPrincipal() { return perPrincipal; }
        public void setPerPrincipal(Map<String, Limit> perPrincipal) { this.perPrincipal = perPrincipal; }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Double getRequestsPerSecond() { return requestsPerSecond; }
        public void setRequestsPerSecond(Double requestsPerSecond) { this.requestsPerSecond = requestsPerSecond; }
        public Integer getBurst() { return burst; }
        public void setBurst(Integer burst) { this.burst = burst; }

        /** True when a deprecated key is set (a warning is logged at start). */
        public boolean usesDeprecatedKeys() {
            return requestsPerSecond != null || burst != null;
        }
    }

    /** One limit: sustained requests per second and the burst; either may be left unset to fall back. */
    public static class Limit {
        private Double requestsPerSecond;
        private Integer burst;

        public Limit() {
        }

        public Limit(Double requestsPerSecond, Integer burst) {
            this.requestsPerSecond = requestsPerSecond;
            this.burst = burst;
        }

        public Double getRequestsPerSecond() { return requestsPerSecond; }
        public void setRequestsPerSecond(Double requestsPerSecond) { this.requestsPerSecond = requestsPerSecond; }
        public Integer getBurst() { return burst; }
        public void setBurst(Integer burst) { this.burst = burst; }
    }

    /** Per party kind; unset values fall back to the deprecated global keys, then to the kind's default. */
    public static class PerParty {
        private final Limit provider = new Limit();
        private final Limit recipient = new Limit();
        private final Limit auditor = new Limit();
        private final Limit operator = new Limit();

        public Limit getProvider() { return provider; }
        public Limit getRecipient() { return recipient; }
        public Limit getAuditor() { return auditor; }
        public Limit getOperator() { return operator; }

        public Limit of(Party party) {
            return switch (party) {
                case PROVIDER -> provider;
                case RECIPIENT -> recipient;
                case AUDITOR -> auditor;
                case OPERATOR -> operator;
            };
        }
    }

    public static class PerAddress {
        /** Sustained failed authentications per second per client address, per instance. */
        private double requestsPerSecond = 1;
        /** Failed authentications an address may have at once before the sustained rate applies. */
        private int burst = 30;

        public double getRequestsPerSecond() { return requestsPerSecond; }
        public void setRequestsPerSecond(double requestsPerSecond) { this.requestsPerSecond = requestsPerSecond; }
        public int getBurst() { return burst; }
        public void setBurst(int burst) { this.burst = burst; }
    }

    public java.time.Duration getRequestArrivalTimeout() { return requestArrivalTimeout; }
    public void setRequestArrivalTimeout(java.time.Duration requestArrivalTimeout) { this.requestArrivalTimeout = requestArrivalTimeout; }
    public int getReservedThreads() { return reservedThreads; }
    public void setReservedThreads(int reservedThreads) { this.reservedThreads = reservedThreads; }

    public String getMode() { return mode; }
    public void setMode(String mode) { this.mode = mode; }
    public Jwt getJwt() { return jwt; }
    public List<ApiKey> getApiKeys() { return apiKeys; }
    public void setApiKeys(List<ApiKey> apiKeys) { this.apiKeys = apiKeys; }
    public RateLimit getRateLimit() { return rateLimit; }
    public int getMaxRequestBytes() { return maxRequestBytes; }
    public void setMaxRequestBytes(int maxRequestBytes) { this.maxRequestBytes = maxRequestBytes; }
}
