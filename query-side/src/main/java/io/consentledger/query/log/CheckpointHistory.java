package io.consentledger.query.log;

import java.time.Instant;
import java.util.Optional;

/** Every checkpoint the ledger signed, looked up by `_id` or a unique index (never a scan). */
public interface CheckpointHistory {

    /** The latest signed checkpoint, if any was signed yet. */
    Optional<SignedCheckpoint> latest();

    /** The checkpoint signed for exactly this tree size, if one was. */
    Optional<SignedCheckpoint> atSize(long treeSize);

    /** The latest checkpoint signed at or before {@code instant}, if any. */
    Optional<SignedCheckpoint> latestSignedAtOrBefore(Instant instant);
}
