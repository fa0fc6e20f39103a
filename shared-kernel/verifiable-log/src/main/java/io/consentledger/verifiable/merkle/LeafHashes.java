package io.consentledger.verifiable.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * A tree held in memory as its leaf hashes, for the offline verifier and for tests: the naive recursive root of RFC
 * 9162 section 2.1.1, and a {@link HashSource} that computes any complete subtree from the leaves.
 */
public final class LeafHashes implements HashSource {

    private final List<byte[]> leaves;

    public LeafHashes(List<byte[]> leafHashes) {
        this.leaves = List.copyOf(leafHashes);
    }

    public long size() {
        return leaves.size();
    }

    /** MTH(D[0:size]) computed straight from the RFC's recursive definition. */
    public byte[] naiveRoot(long size) {
        if (size < 0 || size > leaves.size()) {
            throw new IllegalArgumentException("tree size " + size + " out of range 0.." + leaves.size());
        }
        return size == 0 ? Hashes.emptyRoot() : mth(0, (int) size);
    }

    private byte[] mth(int lo, int hi) {
        if (hi - lo == 1) {
            return leaves.get(lo);
        }
        int k = (int) MerkleProofs.largestPowerOfTwoBelow(hi - lo);
        return Hashes.nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    }

    @Override
    public byte[] hash(NodeId node) {
        if (node.endLeaf() > leaves.size()) {
            throw new IllegalStateException("node " + node + " is not complete in a tree of " + leaves.size());
        }
        return mth((int) node.firstLeaf(), (int) node.endLeaf());
    }

    /** The roots of every prefix, in one pass (a compact range): element i is the root of the first i leaves. */
    public static List<byte[]> prefixRoots(List<byte[]> leafHashes) {
        List<byte[]> roots = new ArrayList<>(leafHashes.size() + 1);
        roots.add(Hashes.emptyRoot());
        List<byte[]> stack = new ArrayList<>(); // hashes of the perfect subtrees of the prefix, largest first
        for (int i = 0; i < leafHashes.size(); i++) {
            byte[] h = leafHashes.get(i);
            long n = i; // merge while the leaf count below is odd at that level
            while ((n & 1) == 1) {
                h = Hashes.nodeHash(stack.remove(stack.size() - 1), h);
                n >>>= 1;
            }
            stack.add(h);
            byte[] root = stack.get(stack.size() - 1);
            for (int j = stack.size() - 2; j >= 0; j--) {
                root = Hashes.nodeHash(stack.get(j), root);
            }
            roots.add(root);
        }
        return roots;
    }
}
