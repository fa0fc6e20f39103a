package io.consentledger.verifiable.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** RFC 9162 section 2.1 hashing with SHA-256: leaf hash {@code H(0x00 || leaf)}, node hash {@code H(0x01 || l || r)}. */
public final class Hashes {

    /** Every hash in the tree is a SHA-256 digest. */
    public static final int SIZE = 32;

    private static final byte[] EMPTY_ROOT = sha256(new byte[0]);

    private Hashes() {
    }

    public static byte[] sha256(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    /** The hash of a leaf: {@code SHA-256(0x00 || leafBytes)}. */
    public static byte[] leafHash(byte[] leafBytes) {
        MessageDigest digest = newDigest();
        digest.update((byte) 0x00);
        digest.update(leafBytes);
        return digest.digest();
    }

    /** The hash of an interior node: {@code SHA-256(0x01 || left || right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = newDigest();
        digest.update((byte) 0x01);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** The root of the empty tree: {@code SHA-256()} of nothing. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    public static String base64(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }

    /** Decodes a standard base64 hash, insisting on exactly {@value #SIZE} bytes. */
    public static byte[] fromBase64(String text) {
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 hash: " + text, e);
        }
        if (hash.length != SIZE) {
            throw new IllegalArgumentException("a hash has " + SIZE + " bytes, not " + hash.length + ": " + text);
        }
        return hash;
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static boolean equal(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b) && a.length == b.length;
    }

    static boolean isHash(byte[] hash) {
        return hash != null && hash.length == SIZE;
    }

    static byte[] copyOf(byte[] hash) {
        return Arrays.copyOf(hash, hash.length);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
