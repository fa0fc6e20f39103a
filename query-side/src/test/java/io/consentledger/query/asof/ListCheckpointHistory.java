package io.consentledger.query.asof;

import io.consentledger.query.log.CheckpointHistory;
import io.consentledger.query.log.SignedCheckpoint;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A checkpoint history over a list, for tests until the log's own history is merged: checkpoints are added in the
 * order they are signed. After the merge, tests that use it should sign real checkpoints instead.
 */
public class ListCheckpointHistory implements CheckpointHistory {

    private final List<SignedCheckpoint> signed = new CopyOnWriteArrayList<>();

    public SignedCheckpoint sign(long treeSize, Instant signedAt) {
        SignedCheckpoint checkpoint = new SignedCheckpoint(treeSize, "root-of-" + treeSize + "=", signedAt,
                                                           "test note " + treeSize);
        signed.add(checkpoint);
        return checkpoint;
    }

    public void clear() {
        signed.clear();
    }

    @Override
    public Optional<SignedCheckpoint> latest() {
        return signed.stream().max(Comparator.comparing(SignedCheckpoint::signedAt));
    }

    @Override
    public Optional<SignedCheckpoint> atSize(long treeSize) {
        return signed.stream().filter(c -> c.treeSize() == treeSize).findFirst();
    }

    @Override
    public Optional<SignedCheckpoint> latestSignedAtOrBefore(Instant instant) {
        return signed.stream().filter(c -> !c.signedAt().isAfter(instant))
                     .max(Comparator.comparing(SignedCheckpoint::signedAt));
    }
}
