package io.consentledger.verifiable.merkle;

/** Where proof generation gets the hash of a complete subtree: tiles fetched from storage, or leaf hashes in memory. */
@FunctionalInterface
public interface HashSource {

    /**
     * The hash of a complete subtree.
     *
     * @throws IllegalStateException when the source does not hold the hashes needed for it
     */
    byte[] hash(NodeId node);
}
