package io.consentledger.query.log;

import java.time.Instant;

/**
 * A checkpoint the ledger signed: the tree size, its root (standard base64), when it was signed, and the signed note
 * (C2SP tlog-checkpoint v1.0.0) exactly as published.
 */
public record SignedCheckpoint(long treeSize, String rootHashBase64, Instant signedAt, String note) {
}
