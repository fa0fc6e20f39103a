package io.consentledger.security;

/**
 * The one limit on request bodies, {@code consent-ledger.security.max-request-bytes} (default 256 KiB), for both
 * applications, applied by {@link RequestSizeLimitFilter} before anything reads a body. The former command-side key {@code consent-ledger.api.max-request-bytes} is still
 * read, with a deprecation warning, when the new key is not set.
 */
public record RequestBodyLimit(int maxBytes) {

    public static final String KEY = "consent-ledger.security.max-request-bytes";
    /** Deprecated: the command side's former key. */
    public static final String DEPRECATED_KEY = "consent-ledger.api.max-request-bytes";

    public RequestBodyLimit {
        if (maxBytes < 1) {
            throw new IllegalArgumentException(KEY + " must be at least 1");
        }
    }
}
