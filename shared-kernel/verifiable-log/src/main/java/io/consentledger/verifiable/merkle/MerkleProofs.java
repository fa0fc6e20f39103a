package io.consentledger.verifiable.merkle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Root, inclusion proof and consistency proof of the log as RFC 9162 sections 2.1.1, 2.1.3.1 and 2.1.4.1 define them,
 * computed from the hashes of complete subtrees ({@link NodeId}) that a {@link HashSource} provides.
 * <p>
 * A proof's shape depends only on the sizes and the index, never on hash values, so the {@code nodesFor...} methods
 * list exactly the complete subtrees a proof will read: a caller fetches them (or the tiles holding them) in one
 * round trip, then calls the proof method with a source over what it fetched.
 */
public final class MerkleProofs {

    private MerkleProofs() {
    }

    /** The root hash of the first {@code size} leaves. */
    public static byte[] root(long size, HashSource source) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        return size == 0 ? Hashes.emptyRoot() : rangeHash(0, size, source);
    }

    /** The inclusion proof (audit path) of leaf {@code index} in the tree of {@code size} leaves. */
    public static InclusionProof inclusion(long index, long size, HashSource source) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, source, path);
        return new InclusionProof(index, size, path);
    }

    /** The consistency proof from the tree of {@code from} leaves to the tree of {@code to} leaves. */
    public static ConsistencyProof consistency(long from, long to, HashSource source) {
        if (from < 0 || from > to) {
            throw new IllegalArgumentException("no consistency proof from size " + from + " to size " + to);
        }
        List<byte[]> proof = new ArrayList<>();
        if (from > 0 && from < to) {
            subproof(from, 0, to, true, source, proof);
        }
        return new ConsistencyProof(from, to, proof);
    }

    /** The complete subtrees that {@link #root} reads, in the order it reads them. */
    public static List<NodeId> nodesForRoot(long size) {
        Recorder recorder = new Recorder();
        root(size, recorder);
        return recorder.nodes();
    }

    /** The complete subtrees that {@link #inclusion} reads. */
    public static List<NodeId> nodesForInclusion(long index, long size) {
        Recorder recorder = new Recorder();
        inclusion(index, size, recorder);
        return recorder.nodes();
    }

    /** The complete subtrees that {@link #consistency} reads. */
    public static List<NodeId> nodesForConsistency(long from, long to) {
        Recorder recorder = new Recorder();
        consistency(from, to, recorder);
        return recorder.nodes();
    }

    /**
     * The hash of leaves {@code [lo, hi)} where {@code lo} is aligned to the largest power of two below the range, as
     * every range of RFC 9162's recursion is: a complete subtree, or the hash of its left complete part and the rest.
     */
    static byte[] rangeHash(long lo, long hi, HashSource source) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1 && lo % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            return source.hash(new NodeId(level, lo >>> level));
        }
        long k = largestPowerOfTwoBelow(n);
        return Hashes.nodeHash(rangeHash(lo, lo + k, source), rangeHash(lo + k, hi, source));
    }

    /** PATH(m, D[lo:hi]) of RFC 9162 section 2.1.3.1, with m absolute. */
    private static void path(long m, long lo, long hi, HashSource source, List<byte[]> out) {
        if (hi - lo == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(hi - lo);
        if (m < lo + k) {
            path(m, lo, lo + k, source, out);
            out.add(rangeHash(lo + k, hi, source));
        } else {
            path(m, lo + k, hi, source, out);
            out.add(rangeHash(lo, lo + k, source));
        }
    }

    /** SUBPROOF(m, D[lo:hi], b) of RFC 9162 section 2.1.4.1, with m relative to lo. */
    private static void subproof(long m, long lo, long hi, boolean b, HashSource source, List<byte[]> out) {
        long n = hi - lo;
        if (m == n) {
            if (!b) {
                out.add(rangeHash(lo, hi, source));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, lo, lo + k, b, source, out);
            out.add(rangeHash(lo + k, hi, source));
        } else {
            subproof(m - k, lo + k, hi, false, source, out);
            out.add(rangeHash(lo, lo + k, source));
        }
    }

    /** The largest power of two strictly smaller than {@code n} (n > 1). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** Records which nodes are read and answers with a placeholder hash. */
    private static final class Recorder implements HashSource {
        private static final byte[] PLACEHOLDER = new byte[Hashes.SIZE];
        private final Set<NodeId> nodes = new LinkedHashSet<>();

        @Override
        public byte[] hash(NodeId node) {
            nodes.add(node);
            return PLACEHOLDER;
        }

        List<NodeId> nodes() {
            return List.copyOf(nodes);
        }
    }
}
