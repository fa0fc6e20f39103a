package io.consentledger.query.notification.signing;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;

/**
 * Standard Webhooks signatures (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)). While a secret is being rotated the
 * {@code webhook-signature} header carries one signature per valid secret, separated by a space, newest first;
 * a receiver accepts the message if any of them verifies.
 */
public final class WebhookSigner {

    public static final String HEADER_ID = "webhook-id";
    public static final String HEADER_TIMESTAMP = "webhook-timestamp";
    public static final String HEADER_SIGNATURE = "webhook-signature";

    private WebhookSigner() {
    }

    /** One {@code v1,<base64>} signature. {@code timestamp} is in seconds since the epoch. */
    public static String sign(WebhookSecret secret, String messageId, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(secret, messageId, timestamp, body));
    }

    /** The {@code webhook-signature} header value: the signatures with every given secret, space-separated. */
    public static String signatureHeader(List<WebhookSecret> secrets, String messageId, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        StringJoiner header = new StringJoiner(" ");
        secrets.forEach(s -> header.add(sign(s, messageId, timestamp, body)));
        return header.toString();
    }

    /** Whether any {@code v1} signature in {@code header} verifies with {@code secret} (constant-time comparison). */
    public static boolean verify(WebhookSecret secret, String messageId, long timestamp, byte[] body, String header) {
        byte[] expected = hmac(secret, messageId, timestamp, body);
        for (String part : header.trim().split(" +")) {
            if (!part.startsWith("v1,")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
                    return true;
                }
            } catch (IllegalArgumentException notBase64) {
                // an unreadable signature verifies nothing
            }
        }
        return false;
    }

    private static byte[] hmac(WebhookSecret secret, String messageId, long timestamp, byte[] body) {
        Mac mac = secret.mac();
        mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }
}
