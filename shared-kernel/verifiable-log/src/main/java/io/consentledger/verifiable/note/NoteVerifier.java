package io.consentledger.verifiable.note;

import io.consentledger.verifiable.merkle.Hashes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An Ed25519 verifier key of C2SP signed-note, in the vkey format {@code <name>+<hex key id>+<base64(0x01 || 32-byte
 * public key)>}. The key id is the first 4 bytes of {@code SHA-256(name || "\n" || 0x01 || public key)}.
 */
public final class NoteVerifier {

    /** The signature type byte of Ed25519 in signed-note. */
    static final byte ED25519 = 0x01;
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String name;
    private final int keyId;
    private final byte[] publicKey;
    private final PublicKey key;

    NoteVerifier(String name, byte[] publicKey) {
        requireValidName(name);
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + publicKey.length);
        }
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
        try {
            byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
            System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, 32);
            this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** Parses a vkey; the key id in it must match the key. */
    public static NoteVerifier parse(String vkey) {
        String[] parts = vkey.strip().split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a verifier key is <name>+<hex key id>+<base64 key>");
        }
        byte[] typeAndKey;
        try {
            typeAndKey = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the verifier key's key is not base64", e);
        }
        if (typeAndKey.length != 33 || typeAndKey[0] != ED25519) {
            throw new IllegalArgumentException("the verifier key is not an Ed25519 key (type 0x01 and 32 bytes)");
        }
        NoteVerifier verifier = new NoteVerifier(parts[0], Arrays.copyOfRange(typeAndKey, 1, 33));
        if (!parts[1].matches("[0-9a-f]{8}") || Integer.parseUnsignedInt(parts[1], 16) != verifier.keyId) {
            throw new IllegalArgumentException("the verifier key's id " + parts[1] + " does not match its key (expected "
                                               + verifier.keyIdHex() + ")");
        }
        return verifier;
    }

    static int keyId(String name, byte[] publicKey) {
        byte[] digest = Hashes.sha256(name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', ED25519}, publicKey);
        return ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
    }

    static void requireValidName(String name) {
        if (name == null || name.isEmpty() || name.contains("+") || name.codePoints().anyMatch(
                c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("a key name is non-empty, without spaces or '+': \"" + name + "\"");
        }
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    public String keyIdHex() {
        return String.format("%08x", keyId);
    }

    /** The raw 32-byte Ed25519 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The vkey string. */
    public String vkey() {
        byte[] typeAndKey = new byte[33];
        typeAndKey[0] = ED25519;
        System.arraycopy(publicKey, 0, typeAndKey, 1, 32);
        return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(typeAndKey);
    }

    /** Whether {@code signature} (64 bytes, without the key id) is this key's signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(message);
            return ed25519.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return vkey();
    }
}
