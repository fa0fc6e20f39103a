package io.consentledger.query.log;
public record SignedCheckpoint(long treeSize, String rootHashBase64, java.time.Instant signedAt, String note) {}
