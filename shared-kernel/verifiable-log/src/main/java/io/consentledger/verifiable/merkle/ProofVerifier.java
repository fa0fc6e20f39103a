package io.consentledger.verifiable.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Verification of inclusion and consistency proofs, as RFC 9162 sections 2.1.3.2 and 2.1.4.2 specify. Every failure
 * is an {@link InvalidProofException} that says what is wrong; a hash that is not 32 bytes is a failure too.
 */
public final class ProofVerifier {

    private ProofVerifier() {
    }

    /** Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves whose root is {@code root}. */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        requireHash(root, "root hash");
        byte[] computed = rootFromInclusion(index, size, leafHash, proof);
        if (!Hashes.equal(computed, root)) {
            throw new InvalidProofException("inclusion proof of leaf " + index + " in tree size " + size
                                            + " leads to root " + Hashes.base64(computed) + ", not " + Hashes.base64(root));
        }
    }

    /** The root that an inclusion proof leads to (RFC 9162 section 2.1.3.2). */
    public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= size) {
            throw new InvalidProofException("leaf index " + index + " is not in a tree of size " + size);
        }
        requireHash(leafHash, "leaf hash");
        requireHashes(proof);
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new InvalidProofException("inclusion proof is longer than a tree of size " + size + " allows");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Hashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = Hashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("inclusion proof is shorter than a tree of size " + size + " needs");
        }
        return r;
    }

    /** Checks that the tree of {@code from} leaves with root {@code root1} is a prefix of the tree of {@code to} leaves. */
    public static void verifyConsistency(long from, long to, List<byte[]> proof, byte[] root1, byte[] root2) {
        if (from < 0 || from > to) {
            throw new InvalidProofException("no consistency from tree size " + from + " to tree size " + to
                                            + ": a log only grows");
        }
        requireHashes(proof);
        if (from == to) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException("a consistency proof between equal sizes is empty");
            }
            if (!Hashes.equal(root1, root2)) {
                throw new InvalidProofException("two trees of size " + from + " have different roots");
            }
            return;
        }
        if (from == 0) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException("a consistency proof from the empty tree is empty");
            }
            return;
        }
        requireHash(root1, "first root hash");
        requireHash(root2, "second root hash");
        if (proof.isEmpty()) {
            throw new InvalidProofException("consistency proof from " + from + " to " + to + " is empty");
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(from) == 1) {
            path.add(root1);
        }
        path.addAll(proof);
        long fn = from - 1;
        long sn = to - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new InvalidProofException("consistency proof from " + from + " to " + to + " is too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Hashes.nodeHash(c, fr);
                sr = Hashes.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = Hashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("consistency proof from " + from + " to " + to + " is too short");
        }
        if (!Hashes.equal(fr, root1)) {
            throw new InvalidProofException("consistency proof does not lead to the root of tree size " + from
                                            + ": the earlier tree is not a prefix of the later one");
        }
        if (!Hashes.equal(sr, root2)) {
            throw new InvalidProofException("consistency proof does not lead to the root of tree size " + to);
        }
    }

    private static void requireHashes(List<byte[]> proof) {
        if (proof == null) {
            throw new InvalidProofException("no proof");
        }
        for (int i = 0; i < proof.size(); i++) {
            if (!Hashes.isHash(proof.get(i))) {
                throw new InvalidProofException("proof hash " + i + " is not a " + Hashes.SIZE + "-byte hash");
            }
        }
    }

    private static void requireHash(byte[] hash, String what) {
        if (!Hashes.isHash(hash)) {
            throw new InvalidProofException(what + " is not a " + Hashes.SIZE + "-byte hash");
        }
    }
}
