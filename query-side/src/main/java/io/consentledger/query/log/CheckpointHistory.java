package io.consentledger.query.log;
import java.util.Optional;
public interface CheckpointHistory {
    Optional<SignedCheckpoint> latest();
    Optional<SignedCheckpoint> atSize(long treeSize);
    Optional<SignedCheckpoint> latestSignedAtOrBefore(java.time.Instant instant);
}
