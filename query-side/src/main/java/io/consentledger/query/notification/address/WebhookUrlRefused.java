package io.consentledger.query.notification.address;

/**
 * A webhook URL the ledger will not call. {@link #code()} is stable and becomes the problem's {@code code}
 * (RFC 9457) at registration, or the delivery attempt's error at delivery time. The message names no resolved
 * address, so it can be shown to the caller without revealing the ledger's network.
 */
public class WebhookUrlRefused extends RuntimeException {

    public static final String INVALID = "webhook-url-invalid";
    public static final String NOT_HTTPS = "webhook-url-not-https";
    public static final String FORBIDDEN_ADDRESS = "webhook-url-forbidden-address";
    public static final String UNRESOLVABLE = "webhook-url-unresolvable";

    private final String code;

    public WebhookUrlRefused(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
