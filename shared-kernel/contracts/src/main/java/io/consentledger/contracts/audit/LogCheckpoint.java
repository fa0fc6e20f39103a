package io.consentledger.contracts.audit;

import java.time.Instant;

/**
 * The signed checkpoint a point-in-time answer was read at: the tree covers leaf indexes {@code 0 .. treeSize-1}
 * (global positions {@code 1 .. treeSize}).
 *
 * @param rootHash the tree's root hash, standard base64, as in the signed note
 */
public record LogCheckpoint(long treeSize, String rootHash, Instant signedAt) {
}
