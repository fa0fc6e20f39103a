package io.consentledger.query.log;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.consentledger.query.security.Visibility;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Callers;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.NodeId;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileId;
import io.consentledger.verifiable.tiles.Tiles;
import io.consentledger.verifiable.verifier.ExportFormat;
import org.bson.Document;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;

/**
 * Receipts for shares (the share's recipient and provider fetch their own, auditors any) and the auditor's raw export
 * of the log for the offline verifier.
 */
@RestController
@RequestMapping("/api/v1/audit")
public class LogAuditController {

    /**
     * The access log's collection (AccessLogProjection.RECORDS), named here rather than imported: the access and
     * consent wings call this wing's CheckpointHistory, so this wing depends on none of them.
     */
    static final String ACCESS_RECORDS = "access_records";

    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final LogProofs proofs;
    private final LogEntries entries;
    private final TileStore tiles;
    private final MongoCollection<Document> accessRecords;

    public LogAuditController(LogProofs proofs, LogEntries entries, TileStore tiles, MongoDatabase database) {
        this.proofs = proofs;
        this.entries = entries;
        this.tiles = tiles;
        this.accessRecords = database.getCollection(ACCESS_RECORDS);
    }

    /**
     * A C2SP tlog-proof for the share event {@code eventId} (the access record's {@code _id}), against the latest
     * signed checkpoint: its leaf bytes, index and inclusion proof. 404 for an unknown share, another party's share,
     * or one not yet covered by a signed checkpoint.
     */
    @GetMapping(value = "/access/{eventId}/receipt", produces = MediaType.TEXT_PLAIN_VALUE)
    public String receipt(@PathVariable String eventId) {
        String unknown = "No receipt for this share event (unknown, or not yet covered by a signed checkpoint)";
        Document record = accessRecords.find(eq("_id", eventId)).first();
        if (record == null || !Visibility.canSee(Callers.required(), record.getString("providerId"),
                                                 record.getString("recipientId"))) {
            throw new QueryProblems.NotFound(unknown);
        }
        Number leafIndex = record.get("leafIndex", Number.class);
        if (leafIndex == null) {
            leafIndex = record.get("globalPosition", Number.class); // leaf index = global position
        }
        if (leafIndex == null || leafIndex.longValue() < 0) {
            throw new QueryProblems.NotFound(unknown);
        }
        return proofs.receipt(leafIndex.longValue(), unknown);
    }

    /**
     * The log as NDJSON in position order from 0, one line per position up to the tree's size (or {@code size}), each
     * the stored event's leaf object plus the leaf hash the tree recorded ({@link ExportFormat}). A position whose
     * event is missing from the store is left out, so the verifier names it.
     */
    @GetMapping("/events/export")
    public ResponseEntity<StreamingResponseBody> export(@RequestParam(required = false) Long size) {
        long treeSize = tiles.size();
        if (size != null && size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (size != null && size > treeSize) {
            throw new QueryProblems.NotFound("The log has not reached tree size " + size + " (it has " + treeSize + ")");
        }
        long end = size != null ? size : treeSize;
        StreamingResponseBody body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            for (long from = 0; from < end; from += Tiles.WIDTH) {
                long to = Math.min(end, from + Tiles.WIDTH);
                List<LogEntry> stored = entries.read(from, to);
                TileId tileId = Tiles.tileFor(new NodeId(0, from));
                List<Tile> found = tiles.fetch(List.of(tileId));
                Tile tile = found.isEmpty() ? null : found.get(0);
                for (long position = from; position < to; position++) {
                    LogEntry entry = stored.get((int) (position - from));
                    if (entry == null) {
                        continue;
                    }
                    int offset = (int) (position - from);
                    byte[] recorded = tile != null && offset < tile.width() ? tile.hash(offset) : null;
                    writer.write(ExportFormat.line(entry, recorded));
                    writer.write('\n');
                }
                writer.flush();
            }
            writer.flush();
        };
        return ResponseEntity.ok().contentType(NDJSON).header("X-Tree-Size", Long.toString(end)).body(body);
    }
}
