package io.consentledger.verifiable.note;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 signer key of C2SP signed-note, in golang.org/x/mod/sumdb/note's format for configuration:
 * {@code PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>}. Its {@link #toString()} never shows the seed.
 */
public final class NoteSigner {

    private static final String PREFIX = "PRIVATE+KEY+";

    private final byte[] seed;
    private final NoteVerifier verifier;
    private final PrivateKey key;

    private NoteSigner(String name, byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        this.seed = seed.clone();
        try {
            this.key = KeyFactory.getInstance("Ed25519")
                                 .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            this.verifier = new NoteVerifier(name, publicKeyOf(seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 provider refused a seed", e);
        }
    }

    /** A new key named {@code name}, from a fresh random seed. */
    public static NoteSigner generate(String name) {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new NoteSigner(name, seed);
    }

    /** A key from its seed. */
    public static NoteSigner fromSeed(String name, byte[] seed) {
        return new NoteSigner(name, seed);
    }

    /** Parses a signer key ({@code PRIVATE+KEY+...}); the key id in it must match the key. */
    public static NoteSigner parse(String skey) {
        String text = skey.strip();
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signer key starts with " + PREFIX);
        }
        String[] parts = text.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a signer key is PRIVATE+KEY+<name>+<hex key id>+<base64 seed>");
        }
        byte[] typeAndSeed;
        try {
            typeAndSeed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signer key's seed is not base64");
        }
        if (typeAndSeed.length != 33 || typeAndSeed[0] != NoteVerifier.ED25519) {
            throw new IllegalArgumentException("the signer key is not an Ed25519 key (type 0x01 and 32 bytes)");
        }
        NoteSigner signer = new NoteSigner(parts[0], Arrays.copyOfRange(typeAndSeed, 1, 33));
        if (!parts[1].equals(signer.verifier.keyIdHex())) {
            throw new IllegalArgumentException("the signer key's id " + parts[1] + " does not match its key");
        }
        return signer;
    }

    public String name() {
        return verifier.name();
    }

    public int keyId() {
        return verifier.keyId();
    }

    /** The matching verifier key, to publish. */
    public NoteVerifier verifier() {
        return verifier;
    }

    /** The signer key string, for configuration (a secret). */
    public String skey() {
        byte[] typeAndSeed = new byte[33];
        typeAndSeed[0] = NoteVerifier.ED25519;
        System.arraycopy(seed, 0, typeAndSeed, 1, 32);
        return PREFIX + name() + "+" + verifier.keyIdHex() + "+" + Base64.getEncoder().encodeToString(typeAndSeed);
    }

    /** The 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(message);
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * The public key of a seed. The JDK has no public API for it, so its key pair generator is given the seed as
     * its "random" bytes: RFC 8032 derives the key pair from exactly those 32 bytes.
     */
    private static byte[] publicKeyOf(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
        EdECPublicKey publicKey = (EdECPublicKey) generator.generateKeyPair().getPublic();
        byte[] encoded = publicKey.getEncoded(); // X.509 SubjectPublicKeyInfo: 12-byte prefix, then the 32-byte key
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    @Override
    public String toString() {
        return "NoteSigner[" + verifier.vkey() + "]";
    }

    /** Hands out the seed once, as the generator's randomness. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
