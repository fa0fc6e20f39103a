package io.consentledger.query.notification.delivery;

/** A webhook request the ledger refuses; {@link #code()} is stable and becomes the problem's {@code code}. */
public class InvalidWebhookRequest extends RuntimeException {

    public static final String EVENTS_INVALID = "webhook-events-invalid";
    public static final String LIMIT_REACHED = "webhook-limit-reached";

    private final String code;

    public InvalidWebhookRequest(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
