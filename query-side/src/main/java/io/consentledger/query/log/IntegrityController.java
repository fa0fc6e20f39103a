package io.consentledger.query.log;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * For operators: the positions whose stored event no longer matches the tree, as the integrity monitor found them,
 * and how far the tree and its checkpoints have got.
 */
@RestController
@RequestMapping("/api/v1/operator")
public class IntegrityController {

    private final IntegrityMonitor monitor;
    private final TileStore tiles;
    private final CheckpointHistory checkpoints;

    public IntegrityController(IntegrityMonitor monitor, TileStore tiles, CheckpointHistory checkpoints) {
        this.monitor = monitor;
        this.tiles = tiles;
        this.checkpoints = checkpoints;
    }

    /**
     * The tree now: its size (it covers positions {@code 0 .. treeSize - 1}) and the latest checkpoint's size and
     * signing time (null before the first). Two reads by {@code _id}; the benchmark polls it for the tree's lag.
     */
    public record TreeStatus(long treeSize, Long checkpointSize, java.time.Instant checkpointSignedAt) {
    }

    @GetMapping("/log")
    public TreeStatus tree() {
        long size = tiles.size();
        return checkpoints.latest().map(c -> new TreeStatus(size, c.treeSize(), c.signedAt()))
                          .orElse(new TreeStatus(size, null, null));
    }

    @GetMapping("/integrity")
    public IntegrityMonitor.Report integrity() {
        return monitor.report();
    }
}
