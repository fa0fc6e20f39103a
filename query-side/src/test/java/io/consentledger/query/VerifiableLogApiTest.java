package io.consentledger.query;

import com.mongodb.client.MongoCollection;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.query.log.IntegrityMonitor;
import io.consentledger.verifiable.json.Json;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.note.NoteVerifier;
import io.consentledger.verifiable.note.TlogProof;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileLog;
import io.consentledger.verifiable.verifier.ExportFormat;
import io.consentledger.verifiable.verifier.VerifyMain;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verifiable log over real HTTP: checkpoints, key, proofs and receipts verify with the module's verifier; the
 * offline verifier, run in-process on an export fetched over HTTP, and the integrity monitor both name a position
 * whose stored event was edited, moved or deleted; a history rewritten and re-signed with the same key is refused
 * given an earlier checkpoint; bad parameters are problems.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=vlog-test", "consent-ledger.log.checkpoint-interval=100ms",
                "consent-ledger.log.poll-interval=50ms", "consent-ledger.log.integrity-interval=1h"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifiableLogApiTest extends HttpTestSupport {

    static final NoteSigner KEY = NoteSigner.generate("test.consent-ledger.example/log");
    static final NoteVerifier VERIFIER = KEY.verifier();

    @DynamicPropertySource
    static void signingKey(DynamicPropertyRegistry registry) {
        registry.add("consent-ledger.log.signing-key", KEY::skey);
    }

    @Autowired
    IntegrityMonitor monitor;

    @TempDir
    Path dir;

    private String consent;
    private String shareEventId;
    private long sharePosition;

    @BeforeAll
    void aShare() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        consent = "consent-v-" + run;
        String link = "link-v-" + run;
        new LedgerScript(eventStore)
                .link(link, "cust-v-" + run, "bank-1")
                .requestConsent(consent, "messenger", "cust-v-" + run, link, EnumSet.of(Scope.BALANCES),
                                EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(10))
                .authorise(consent)
                .shareBalance(consent, "42.00", Instant.now());
        JsonNode record = awaitJson("/api/v1/audit/access?consentId=" + consent,
                                    page -> page.get("records").size() == 1).get("records").get(0);
        shareEventId = record.get("eventId").asText();
        sharePosition = record.get("globalPosition").asLong();
        awaitCheckpointCovering(sharePosition);
    }

    private Checkpoint awaitCheckpointCovering(long position) {
        List<Checkpoint> latest = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Response response = get("/api/v1/log/checkpoint");
            if (response.status() != 200) {
                return false;
            }
            latest.clear();
            latest.add(Checkpoint.open(response.body(), VERIFIER));
            return latest.get(0).size() > position;
        });
        return latest.get(0);
    }

    private Checkpoint latestCheckpoint() {
        Response response = get("/api/v1/log/checkpoint");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain");
        return Checkpoint.open(response.body(), VERIFIER);
    }

    @Test
    void theKeyIsPublishedAndEveryCheckpointIsSignedByIt() {
        Response key = get("/api/v1/log/key", BANK_2);
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.body().strip()).isEqualTo(VERIFIER.vkey());
        Checkpoint latest = latestCheckpoint();
        Response stored = get("/api/v1/log/checkpoints?size=" + latest.size(), MESSENGER);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(Checkpoint.open(stored.body(), VERIFIER)).isEqualTo(latest);
        assertThat(latest.origin()).isEqualTo(VERIFIER.name());
    }

    @Test
    void inclusionAndConsistencyProofsVerify() {
        Checkpoint earlier = latestCheckpoint();
        new LedgerScript(eventStore).link("link-more-" + id, "cust-more-" + id, "bank-1");
        Checkpoint later = awaitCheckpointCovering(earlier.size());

        JsonNode entry = json.readTree(get("/api/v1/log/entries/" + sharePosition).body());
        byte[] leafBytes = Base64.getDecoder().decode(entry.get("leafBytes").asText());
        byte[] leafHash = Hashes.leafHash(leafBytes);
        assertThat(entry.get("leafHash").asText()).isEqualTo(Hashes.base64(leafHash));
        assertThat(LogEntry.fromLeafBytes(leafBytes).position()).isEqualTo(sharePosition);
        assertThat(entry.get("entry").get("eventId").asText()).isEqualTo(shareEventId);

        for (Checkpoint checkpoint : List.of(earlier, later)) {
            Response inclusion = get("/api/v1/log/proofs/inclusion?index=" + sharePosition + "&size=" + checkpoint.size(),
                                     BANK_1);
            assertThat(inclusion.status()).as(inclusion.body()).isEqualTo(200);
            assertThat(inclusion.contentType()).startsWith("application/json");
            InclusionProof proof = InclusionProof.fromJson(inclusion.body());
            proof.verify(leafHash, checkpoint.rootHash());
        }
        Response consistency = get("/api/v1/log/proofs/consistency?from=" + earlier.size() + "&to=" + later.size(),
                                   MESSENGER);
        assertThat(consistency.status()).as(consistency.body()).isEqualTo(200);
        ConsistencyProof.fromJson(consistency.body()).verify(earlier.rootHash(), later.rootHash());
    }

    @Test
    void theRecipientAndTheProviderFetchAReceiptThatVerifiesOffline() throws Exception {
        for (String caller : List.of(MESSENGER, BANK_1, AUDITOR)) {
            Response receipt = get("/api/v1/audit/access/" + shareEventId + "/receipt", caller);
            assertThat(receipt.status()).as(caller + ": " + receipt.body()).isEqualTo(200);
            assertThat(receipt.contentType()).startsWith("text/plain");
            TlogProof proof = TlogProof.parse(receipt.body());
            assertThat(proof.index()).isEqualTo(sharePosition);
            proof.verify(VERIFIER, Hashes.leafHash(proof.extra()));
        }
        for (String stranger : List.of(VOICE_ASSISTANT, BANK_2)) {
            Response refused = get("/api/v1/audit/access/" + shareEventId + "/receipt", stranger);
            Response unknown = get("/api/v1/audit/access/nope-" + id + "/receipt", stranger);
            assertThat(refused.status()).isEqualTo(404);
            assertThat(refused.json().get("type")).isEqualTo(unknown.json().get("type"));
        }
        Path receipt = write("share.tlog-proof", get("/api/v1/audit/access/" + shareEventId + "/receipt", MESSENGER).body());
        Path checkpoint = write("cp.txt", get("/api/v1/log/checkpoint").body());
        Verification result = verify("--key", VERIFIER.vkey(), "--checkpoint", checkpoint.toString(),
                                     "--receipt", receipt.toString());
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("position " + sharePosition);
    }

    @Test
    void entriesFollowTheObjectLevelRules() {
        assertThat(get("/api/v1/log/entries/" + sharePosition, MESSENGER).status()).isEqualTo(200);
        assertThat(get("/api/v1/log/entries/" + sharePosition, BANK_1).status()).isEqualTo(200);
        assertThat(get("/api/v1/log/entries/" + sharePosition, AUDITOR).status()).isEqualTo(200);
        Response refused = get("/api/v1/log/entries/" + sharePosition, VOICE_ASSISTANT);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(get("/api/v1/log/entries/" + sharePosition, BANK_2).status()).isEqualTo(404);
        assertThat(refused.body()).doesNotContain(shareEventId);
        assertThat(get("/api/v1/log/entries/0", BANK_2).json().get("entry").get("tombstone").asBoolean())
                .as("position 0 is never allocated: a sealed gap").isTrue();
    }

    @Test
    void badParametersAreProblemsAndUnknownSizesAreNotFound() {
        long size = latestCheckpoint().size();
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("/api/v1/log/proofs/inclusion?index=-1&size=2", 400);
        cases.put("/api/v1/log/proofs/inclusion?index=2&size=2", 400);
        cases.put("/api/v1/log/proofs/inclusion?index=0&size=0", 400);
        cases.put("/api/v1/log/proofs/inclusion?index=abc&size=2", 400);
        cases.put("/api/v1/log/proofs/inclusion?size=2", 400);
        cases.put("/api/v1/log/proofs/inclusion?index=0&size=" + (size + 1_000_000), 404);
        cases.put("/api/v1/log/proofs/consistency?from=0&to=2", 400);
        cases.put("/api/v1/log/proofs/consistency?from=3&to=2", 400);
        cases.put("/api/v1/log/proofs/consistency?from=1&to=" + (size + 1_000_000), 404);
        cases.put("/api/v1/log/checkpoints?size=-1", 400);
        cases.put("/api/v1/log/checkpoints?size=" + (size + 1_000_000), 404);
        cases.put("/api/v1/log/checkpoints", 400);
        cases.put("/api/v1/log/entries/-1", 400);
        cases.put("/api/v1/log/entries/x", 400);
        cases.put("/api/v1/log/entries/" + (size + 1_000_000), 404);
        cases.put("/api/v1/audit/events/export?size=" + (size + 1_000_000), 404);
        cases.put("/api/v1/audit/events/export?size=-1", 400);
        cases.forEach((path, status) -> {
            Response response = get(path, AUDITOR);
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(status);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
            assertThat(response.body()).as(path).doesNotContain("Exception", "at io.");
        });
        assertThat(get("/api/v1/log/proofs/inclusion?index=0&size=1", null).status()).isEqualTo(401);
        assertThat(get("/api/v1/audit/events/export", BANK_1).status()).isEqualTo(403);
    }

    /**
     * The operator sees how far the tree has got, and can stop and start its processor (the benchmark's A/B phase
     * measures the tree's cost that way): stopped, the tree stands still while the log grows; started, it catches up.
     */
    @Test
    void theOperatorSeesTheTreeAndStopsAndStartsItsBuilder() {
        JsonNode status = get("/api/v1/operator/log").json();
        assertThat(status.get("treeSize").asLong()).isGreaterThan(sharePosition);
        assertThat(status.get("checkpointSize").asLong()).isBetween(sharePosition + 1, status.get("treeSize").asLong());
        assertThat(status.get("checkpointSignedAt").asText()).isNotBlank();
        assertThat(get("/api/v1/operator/log", AUDITOR).status()).isEqualTo(403);

        assertThat(post("/api/v1/operator/processors/verifiable-log/stop").json().get("running").asBoolean()).isFalse();
        try {
            long before = get("/api/v1/operator/log").json().get("treeSize").asLong();
            new LedgerScript(eventStore).link("link-stopped-" + id, "cust-stopped-" + id, "bank-1");
            awaitJson("/api/v1/operator/processors", list -> {
                for (JsonNode p : list) {
                    if (p.get("name").asText().equals("access-log")) {
                        return p.get("headPosition").asLong() >= before;
                    }
                }
                return false;
            });
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                   .until(() -> get("/api/v1/operator/log").json().get("treeSize").asLong() == before);
        } finally {
            assertThat(post("/api/v1/operator/processors/verifiable-log/start").json().get("running").asBoolean()).isTrue();
        }
        long head = get("/api/v1/operator/processors").json().get(0).get("headPosition").asLong();
        awaitJson("/api/v1/operator/log", tree -> tree.get("treeSize").asLong() > head);
        assertThat(post("/api/v1/operator/processors/no-such-processor/stop").status()).isEqualTo(404);
    }

    @Test
    void theExportVerifiesOffline() throws Exception {
        Verification result = verifyExport();
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK export");
    }

    @Test
    void anEditedPayloadIsNamedByTheMonitorAndTheVerifier() throws Exception {
        tamperedCommit(commit -> commit.getList("events", Document.class).get(0)
                                       .get("payload", Document.class).put("recipientId", "someone-else"));
    }

    @Test
    void editedMetadataIsNamedByTheMonitorAndTheVerifier() throws Exception {
        tamperedCommit(commit -> commit.getList("events", Document.class).get(0)
                                       .put("metaData", new Document("correlationId", "forged")));
    }

    @Test
    void anEditedPositionIsNamedByTheMonitorAndTheVerifier() throws Exception {
        tamperedCommit(commit -> commit.put("positions", List.of(sharePosition + 1_000_000L)));
    }

    @Test
    void aDeletedEventIsNamedByTheMonitorAndTheVerifier() throws Exception {
        tamperedCommit(null);
    }

    @Test
    void aRewrittenAndReSignedHistoryIsRefusedGivenAnEarlierCheckpoint() throws Exception {
        Checkpoint trusted = latestCheckpoint();
        Path previous = write("old-cp.txt", get("/api/v1/log/checkpoint").body());
        new LedgerScript(eventStore).link("link-later-" + id, "cust-later-" + id, "bank-1");
        Checkpoint later = awaitCheckpointCovering(trusted.size());

        // An attacker with the store and the signing key rewrites the share and signs a new tree over it.
        List<LogEntry> rewritten = new ArrayList<>();
        for (String line : get("/api/v1/audit/events/export?size=" + later.size()).body().split("\n")) {
            LogEntry entry = ExportFormat.parse(line).entry();
            if (entry.position() == sharePosition) {
                Map<String, Object> fields = new HashMap<>(entry.toJson());
                fields.put("payload", ((String) fields.get("payload")).replace("messenger", "someone-else"));
                entry = LogEntry.fromJson(Json.parseObject(Json.canonical(fields)));
            }
            rewritten.add(entry);
        }
        Map<String, Tile> memory = new HashMap<>();
        TileLog forgedTree = new TileLog(ids -> ids.stream().map(i -> memory.get(i.key()))
                                                   .filter(java.util.Objects::nonNull).toList());
        forgedTree.append(0, rewritten.stream().map(LogEntry::leafHash).toList())
                  .forEach(tile -> memory.put(tile.id().key(), tile));
        String forgedNote = new Checkpoint(VERIFIER.name(), later.size(), forgedTree.root(later.size())).sign(KEY);
        Path forgedCheckpoint = write("forged-cp.txt", forgedNote);
        Path forgedExport = write("forged.ndjson", String.join("\n", rewritten.stream().map(ExportFormat::line).toList()) + "\n");

        Verification alone = verify("--key", VERIFIER.vkey(), "--checkpoint", forgedCheckpoint.toString(),
                                    "--export", forgedExport.toString());
        assertThat(alone.exit()).as("without an earlier checkpoint the forgery is self-consistent: " + alone.out())
                                .isZero();
        Verification refused = verify("--key", VERIFIER.vkey(), "--checkpoint", forgedCheckpoint.toString(),
                                      "--previous", previous.toString(), "--export", forgedExport.toString());
        assertThat(refused.exit()).as(refused.out()).isEqualTo(VerifyMain.FAILED);
        assertThat(refused.out()).contains("previous checkpoint");
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Tampers with the share's commit (null: deletes it), checks both detectors name its position, then restores. */
    private synchronized void tamperedCommit(Consumer<Document> edit) throws Exception {
        MongoCollection<Document> commits = database.getCollection("events");
        Document original = commits.find(eq("positions", sharePosition)).first();
        assertThat(original).isNotNull();
        assertThat(original.getList("positions", Long.class)).containsExactly(sharePosition);
        try {
            if (edit == null) {
                commits.deleteOne(eq("_id", original.get("_id")));
            } else {
                Document changed = Document.parse(original.toJson());
                changed.put("_id", original.get("_id"));
                changed.put("positions", original.getList("positions", Long.class));
                edit.accept(changed);
                commits.replaceOne(eq("_id", original.get("_id")), changed);
            }
            monitor.pass();
            monitor.pass();
            assertThat(monitor.mismatches()).extracting(IntegrityMonitor.Mismatch::position).contains(sharePosition);
            JsonNode report = get("/api/v1/operator/integrity").json();
            assertThat(report.get("mismatches").toString()).contains("\"position\":" + sharePosition);
            assertThat(get("/actuator/health").status()).isEqualTo(503);
            assertThat(get("/actuator/prometheus").body()).containsPattern("ledger_log_integrity_mismatches(\\{[^}]*\\})? [1-9]");

            Verification result = verifyExport();
            assertThat(result.exit()).as(result.out()).isEqualTo(VerifyMain.FAILED);
            assertThat(result.out()).contains("FAILED: position " + sharePosition);
        } finally {
            commits.deleteOne(eq("_id", original.get("_id")));
            commits.insertOne(original);
            monitor.pass();
            monitor.pass();
            monitor.pass();
        }
        assertThat(monitor.mismatches()).isEmpty();
        assertThat(verifyExport().exit()).isZero();
    }

    private Verification verifyExport() throws Exception {
        Response checkpoint = get("/api/v1/log/checkpoint");
        Response export = get("/api/v1/audit/events/export");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/x-ndjson");
        Path key = write("log.vkey", get("/api/v1/log/key").body());
        return verify("--key", key.toString(), "--checkpoint", write("cp.txt", checkpoint.body()).toString(),
                      "--export", write("events.ndjson", export.body()).toString());
    }

    record Verification(int exit, String out) {
    }

    private static Verification verify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = VerifyMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                                  new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Verification(exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(UUID.randomUUID() + "-" + name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
