package io.consentledger.query.log;

import io.consentledger.query.security.Visibility;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Callers;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.leaf.StoredEvent;
import io.consentledger.verifiable.merkle.Hashes;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Base64;
import java.util.Map;

/**
 * The verifiable log for any authenticated caller: the latest and earlier signed checkpoints, the verifier key,
 * inclusion and consistency proofs, and single entries (a party sees only the entries that name it).
 */
@RestController
@RequestMapping("/api/v1/log")
public class LogController {

    private final LogProofs proofs;
    private final CheckpointHistory checkpoints;
    private final LogSigningKey key;
    private final JsonMapper json = JsonMapper.builder().build();

    public LogController(LogProofs proofs, CheckpointHistory checkpoints, LogSigningKey key) {
        this.proofs = proofs;
        this.checkpoints = checkpoints;
        this.key = key;
    }

    @GetMapping(value = "/checkpoint", produces = MediaType.TEXT_PLAIN_VALUE)
    public String checkpoint() {
        return checkpoints.latest().map(SignedCheckpoint::note)
                          .orElseThrow(() -> new QueryProblems.NotFound("No checkpoint has been signed yet"));
    }

    @GetMapping(value = "/checkpoints", produces = MediaType.TEXT_PLAIN_VALUE)
    public String checkpointOfSize(@RequestParam long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        return checkpoints.atSize(size).map(SignedCheckpoint::note)
                          .orElseThrow(() -> new QueryProblems.NotFound("No checkpoint was signed for tree size " + size));
    }

    @GetMapping(value = "/key", produces = MediaType.TEXT_PLAIN_VALUE)
    public String key() {
        return key.vkey() + "\n";
    }

    @GetMapping(value = "/proofs/inclusion", produces = MediaType.APPLICATION_JSON_VALUE)
    public String inclusion(@RequestParam long index, @RequestParam long size) {
        return proofs.inclusion(index, size).toJson();
    }

    @GetMapping(value = "/proofs/consistency", produces = MediaType.APPLICATION_JSON_VALUE)
    public String consistency(@RequestParam long from, @RequestParam long to) {
        return proofs.consistency(from, to).toJson();
    }

    /** Entry {@code index}: its leaf bytes, the leaf hash the tree recorded, and the stored event they encode. */
    public record Entry(long index, String leafBytes, String leafHash, Map<String, Object> entry) {
    }

    @GetMapping("/entries/{index}")
    public Entry entry(@PathVariable long index) {
        LogEntry entry = proofs.entry(index);
        if (!visible(entry)) {
            throw new QueryProblems.NotFound("No entry " + index + " in the store");
        }
        return new Entry(index, Base64.getEncoder().encodeToString(entry.leafBytes()),
                         Hashes.base64(proofs.tileLog().leafHash(index, proofs.treeSize())), entry.toJson());
    }

    /** An auditor sees every entry; a provider or recipient the events whose payload names it, and sealed gaps. */
    private boolean visible(LogEntry entry) {
        if (!(entry instanceof StoredEvent event)) {
            return Callers.required().party() != io.consentledger.security.Party.OPERATOR;
        }
        String providerId = null;
        String recipientId = null;
        try {
            JsonNode payload = json.readTree(event.payload());
            providerId = text(payload, "providerId");
            recipientId = text(payload, "recipientId");
        } catch (RuntimeException unreadable) {
            // not a JSON object: only an auditor sees it
        }
        return Visibility.canSee(Callers.required(), providerId, recipientId);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }
}
