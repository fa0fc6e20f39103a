package io.consentledger.query.asof;

import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.query.log.CheckpointHistory;
import io.consentledger.query.log.SignedCheckpoint;
import io.consentledger.security.problem.Causes;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Turns the {@link AsOf} parameters into the signed checkpoint an answer is read at. {@code asOf=<instant>}: the
 * latest checkpoint signed at or before it; {@code asOfSize=<n>}: the checkpoint of exactly that tree size. Both at
 * once, or a negative size, is a 400; no such checkpoint a 404 {@code checkpoint-not-found}. The answer then holds
 * what the tree of that size covers: events at leaf indexes {@code 0 .. treeSize-1}.
 */
@Component
public class PointInTime {

    /** The headers that name the checkpoint of a point-in-time export (whose body has no room for it). */
    public static final String SIZE_HEADER = "Ledger-Checkpoint-Size";
    public static final String ROOT_HEADER = "Ledger-Checkpoint-Root";
    public static final String SIGNED_AT_HEADER = "Ledger-Checkpoint-Signed-At";

    private final CheckpointHistory checkpoints;

    public PointInTime(CheckpointHistory checkpoints) {
        this.checkpoints = checkpoints;
    }

    /**
     * The checkpoint the parameters name; empty when they name none (the answer of today).
     *
     * @throws IllegalArgumentException for both parameters at once or a negative size
     * @throws CheckpointNotFound       when no signed checkpoint answers them
     */
    public Optional<LogCheckpoint> resolve(AsOf params) {
        if (params == null || !params.asked()) {
            return Optional.empty();
        }
        if (params.asOf() != null && params.asOfSize() != null) {
            throw new IllegalArgumentException("asOf and asOfSize exclude each other: give one of them");
        }
        if (params.asOfSize() != null) {
            if (params.asOfSize() < 0) {
                throw new IllegalArgumentException("asOfSize must be a tree size, 0 or more");
            }
            return Optional.of(checkpoints.atSize(params.asOfSize()).map(PointInTime::toContract).orElseThrow(
                    () -> new CheckpointNotFound("No checkpoint of tree size " + params.asOfSize() + " was signed")));
        }
        return Optional.of(checkpoints.latestSignedAtOrBefore(params.asOf()).map(PointInTime::toContract).orElseThrow(
                () -> new CheckpointNotFound("No checkpoint signed at or before " + params.asOf())));
    }

    public static LogCheckpoint toContract(SignedCheckpoint checkpoint) {
        return new LogCheckpoint(checkpoint.treeSize(), checkpoint.rootHashBase64(), checkpoint.signedAt());
    }

    /** The headers naming {@code checkpoint}, for an export. */
    public static HttpHeaders headers(LogCheckpoint checkpoint) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(SIZE_HEADER, String.valueOf(checkpoint.treeSize()));
        headers.set(ROOT_HEADER, checkpoint.rootHash());
        headers.set(SIGNED_AT_HEADER, checkpoint.signedAt().toString());
        return headers;
    }

    /** Waits for a query's answer; a {@link ReplayRequired} its handler threw comes out unwrapped. */
    public static <T> T join(CompletableFuture<T> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            Optional<ReplayRequired> replay = Causes.find(e, ReplayRequired.class);
            if (replay.isPresent()) {
                throw new ReplayRequired(replay.get().getMessage());
            }
            throw e;
        }
    }
}
