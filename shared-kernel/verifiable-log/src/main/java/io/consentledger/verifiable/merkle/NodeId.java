package io.consentledger.verifiable.merkle;

/**
 * A complete subtree of the log: the node at {@code level} (0 = leaves) and horizontal {@code index}, covering the
 * leaves {@code [index << level, (index + 1) << level)}. Its hash never changes once the log has that many leaves.
 */
public record NodeId(int level, long index) {

    public NodeId {
        if (level < 0 || level > 62 || index < 0) {
            throw new IllegalArgumentException("no such node: level " + level + ", index " + index);
        }
    }

    /** The first leaf under this node. */
    public long firstLeaf() {
        return index << level;
    }

    /** One past the last leaf under this node. */
    public long endLeaf() {
        return (index + 1) << level;
    }

    @Override
    public String toString() {
        return level + ":" + index;
    }
}
