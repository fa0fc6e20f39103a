package io.consentledger.query.notification.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Standard Webhooks secret: {@code whsec_} followed by the base64 of 24 to 64 random bytes. {@link #toString()}
 * never shows the key; {@link #encoded()} does, and is shown to the owner once, at registration or rotation.
 */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";
    /** 32 bytes = 256 bits, the HMAC-SHA256 block-size-friendly choice. */
    private static final int GENERATED_BYTES = 32;
    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("a webhook secret has " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
        }
        this.key = key.clone();
    }

    public static WebhookSecret generate(SecureRandom random) {
        byte[] key = new byte[GENERATED_BYTES];
        random.nextBytes(key);
        return new WebhookSecret(key);
    }

    /** Parses {@code whsec_<base64>}; refuses anything else. */
    public static WebhookSecret parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        try {
            return new WebhookSecret(Base64.getDecoder().decode(encoded.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " followed by base64", e);
        }
    }

    public String encoded() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    byte[] key() {
        return key.clone();
    }

    /**
     * The keys' HMAC-SHA256s, initialised once per key (not per instance: a webhook read again parses its secrets
     * again, and {@code Mac.getInstance} + {@code init} costs more than the signature): each use gets a copy of one.
     * Bounded: emptied when it holds {@link #MAX_PROTOTYPES} keys (they are webhooks' live secrets, in memory anyway).
     */
    private static final java.util.concurrent.ConcurrentHashMap<WebhookSecret, Mac> PROTOTYPES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PROTOTYPES = 1024;
    private static final java.util.concurrent.atomic.AtomicLong KEYED = new java.util.concurrent.atomic.AtomicLong();

    /** How many HMACs were keyed so far (for tests). */
    static long macsKeyed() {
        return KEYED.get();
    }

    /** A fresh HMAC-SHA256 keyed with this secret, for one signature (the caller's own: {@link Mac} is not shared). */
    Mac mac() {
        Mac prototype = PROTOTYPES.get(this);
        if (prototype == null) {
            prototype = freshMac();
            if (PROTOTYPES.size() >= MAX_PROTOTYPES) {
                PROTOTYPES.clear();
            }
            PROTOTYPES.putIfAbsent(new WebhookSecret(key), prototype);
        }
        try {
            return (Mac) prototype.clone(); // a prototype is never updated, so copying it from any thread is safe
        } catch (CloneNotSupportedException e) {
            return freshMac();
        }
    }

    private Mac freshMac() {
        try {
            KEYED.incrementAndGet();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSecret s && java.security.MessageDigest.isEqual(key, s.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "WebhookSecret[****]";
    }
}
