package io.consentledger.verifiable.verifier;

import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.leaf.SealedGap;
import io.consentledger.verifiable.leaf.StoredEvent;
import io.consentledger.verifiable.merkle.HashSource;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.note.TlogProof;
import io.consentledger.verifiable.tiles.TileAppender;
import io.consentledger.verifiable.tiles.Tiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline verifier end to end, on files, as a user runs it. */
class VerifyMainTest {

    private static final String ORIGIN = "consent-ledger.example/log";

    @TempDir
    Path dir;

    private NoteSigner signer;
    private String vkey;
    private List<LogEntry> log;
    private String output;

    @BeforeEach
    void setUp() {
        signer = NoteSigner.generate(ORIGIN);
        vkey = signer.verifier().vkey();
        log = log(12);
    }

    static List<LogEntry> log(int size) {
        List<LogEntry> log = new ArrayList<>();
        for (int position = 0; position < size; position++) {
            if (position == 4) {
                log.add(new SealedGap(position));
            } else {
                log.add(event(position, "{\"amount\": \"" + position + "0.00\", \"currency\": \"EUR\"}"));
            }
        }
        return log;
    }

    static StoredEvent event(int position, String payload) {
        return new StoredEvent(position, "event-" + position, "Consent", "consent-" + (position % 3),
                               (long) position / 3, "2026-03-01T09:30:0" + (position % 10) + "Z",
                               "io.consentledger.contracts.consent.ConsentGranted", null, payload,
                               "{\"correlationId\": \"c-" + position + "\"}");
    }

    private static List<byte[]> leafHashes(List<LogEntry> log) {
        return log.stream().map(LogEntry::leafHash).toList();
    }

    private static HashSource tree(List<LogEntry> log) {
        return Tiles.hashSource(TileAppender.append(0, List.of(), leafHashes(log)));
    }

    private String checkpoint(List<LogEntry> log, int size) {
        return new Checkpoint(ORIGIN, size, MerkleProofs.root(size, tree(log))).sign(signer);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path export(List<String> lines) throws IOException {
        return write("events.ndjson", String.join("\n", lines) + "\n");
    }

    private static List<String> lines(List<LogEntry> log) {
        return new ArrayList<>(log.stream().map(ExportFormat::line).toList());
    }

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                                  new PrintStream(out, true, StandardCharsets.UTF_8));
        output = out.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void aGoodExportVerifies() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        Path key = write("log.vkey", vkey + "\n");
        assertThat(run("--key", key.toString(), "--checkpoint", cp.toString(), "--export", export(lines(log)).toString()))
                .as(output).isEqualTo(VerifyMain.OK);
        assertThat(output).contains("OK checkpoint: " + ORIGIN + ", tree size 12")
                          .contains("OK export: positions 0..11 (11 events, 1 sealed gaps in the file)")
                          .contains("OK: all checks passed");
    }

    @Test
    void anExportLongerThanTheCheckpointVerifiesTheCoveredPrefix() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 9));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines(log)).toString()))
                .as(output).isEqualTo(VerifyMain.OK);
        assertThat(output).contains("3 later positions are not covered");
    }

    @Test
    void anEditedEventIsNamedByPosition() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        List<String> lines = lines(log);
        lines.set(6, lines.get(6).replace("60.00", "6000.00"));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: position 6: the event event-6").contains("does not match the leaf hash");
    }

    @Test
    void anEditedEventWithARewrittenLeafHashFailsTheRootCheck() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        List<LogEntry> edited = new ArrayList<>(log);
        edited.set(6, event(6, "{\"amount\": \"6000.00\", \"currency\": \"EUR\"}"));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines(edited)).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: the export's first 12 positions hash to root").contains("not the checkpoint's root");
    }

    @Test
    void aDeletedLineIsNamedByPosition() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        List<String> lines = lines(log);
        lines.remove(5);
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: position 5: the export has position 6 here");
    }

    @Test
    void aTruncatedExportNamesTheFirstMissingPosition() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines(log).subList(0, 10)).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: position 10: the export ends after 10 positions but the checkpoint covers 12");
    }

    @Test
    void aRewrittenAndReSignedHistoryFailsAgainstAnEarlierCheckpoint() throws IOException {
        Path previous = write("old-cp.txt", checkpoint(log, 7));
        List<LogEntry> rewritten = new ArrayList<>(log);
        rewritten.set(2, event(2, "{\"amount\": \"0.01\", \"currency\": \"EUR\"}"));
        Path cp = write("cp.txt", checkpoint(rewritten, 12)); // the log re-signs the rewritten tree
        Path export = export(lines(rewritten));                  // and exports it with matching leaf hashes

        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export.toString()))
                .as("alone, the rewritten history is self-consistent").isEqualTo(VerifyMain.OK);
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--previous", previous.toString(),
                       "--export", export.toString())).isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: not consistent with the previous checkpoint")
                          .contains("history before position 7 was rewritten");
    }

    @Test
    void anHonestGrowthIsConsistentWithTheEarlierCheckpoint() throws IOException {
        Path previous = write("old-cp.txt", checkpoint(log, 7));
        Path cp = write("cp.txt", checkpoint(log, 12));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--previous", previous.toString(),
                       "--export", export(lines(log)).toString())).as(output).isEqualTo(VerifyMain.OK);
        assertThat(output).contains("OK consistency: the checkpoint of size 12 extends the previous checkpoint of size 7");
    }

    @Test
    void aConsistencyProofChecksAnEarlierCheckpointWithoutAnExport() throws IOException {
        Path previous = write("old-cp.txt", checkpoint(log, 7));
        Path cp = write("cp.txt", checkpoint(log, 12));
        String proof = MerkleProofs.consistency(7, 12, tree(log)).toJson();
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--previous", previous.toString(),
                       "--consistency", write("proof.json", proof).toString())).as(output).isEqualTo(VerifyMain.OK);

        List<LogEntry> rewritten = new ArrayList<>(log);
        rewritten.set(2, event(2, "{\"amount\": \"0.01\", \"currency\": \"EUR\"}"));
        Path forged = write("forged-cp.txt", checkpoint(rewritten, 12));
        String forgedProof = MerkleProofs.consistency(7, 12, tree(rewritten)).toJson();
        assertThat(run("--key", vkey, "--checkpoint", forged.toString(), "--previous", previous.toString(),
                       "--consistency", write("forged.json", forgedProof).toString())).isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: not consistent with the previous checkpoint");
    }

    private String receipt(int position, int size) {
        LogEntry entry = log.get(position);
        return TlogProof.of(entry.leafBytes(), MerkleProofs.inclusion(position, size, tree(log)), checkpoint(log, size))
                        .format();
    }

    @Test
    void aReceiptVerifies() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        Path receipt = write("share.tlog-proof", receipt(5, 12));
        Path older = write("older.tlog-proof", receipt(3, 9));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--receipt", receipt.toString(),
                       "--receipt", older.toString())).as(output).isEqualTo(VerifyMain.OK);
        assertThat(output).contains("position 5, event event-5 (io.consentledger.contracts.consent.ConsentGranted), is in the log of size 12")
                          .contains("position 3, event event-3");
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines(log)).toString(),
                       "--receipt", older.toString())).as(output).isEqualTo(VerifyMain.OK);
    }

    @Test
    void aTamperedReceiptFails() throws IOException {
        Path cp = write("cp.txt", checkpoint(log, 12));
        String receipt = receipt(5, 12);
        TlogProof parsed = TlogProof.parse(receipt);
        String editedLeaf = new String(parsed.extra(), StandardCharsets.UTF_8).replace("50.00", "5000.00");
        String tamperedLeaf = new TlogProof(editedLeaf.getBytes(StandardCharsets.UTF_8), parsed.index(), parsed.hashes(),
                                            parsed.checkpointNote()).format();
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--receipt", write("a.tlog-proof", tamperedLeaf).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: receipt").contains("position 5").contains("inclusion proof");

        List<byte[]> hashes = new ArrayList<>(parsed.hashes());
        byte[] flipped = hashes.get(1).clone();
        flipped[0] ^= 1;
        hashes.set(1, flipped);
        String tamperedProof = new TlogProof(parsed.extra(), 5, hashes, parsed.checkpointNote()).format();
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--receipt", write("b.tlog-proof", tamperedProof).toString()))
                .isEqualTo(VerifyMain.FAILED);

        String movedIndex = receipt.replace("index 5", "index 6");
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--receipt", write("c.tlog-proof", movedIndex).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("its leaf is position 5 but it proves index 6");
    }

    @Test
    void aCheckpointSignedByAnotherKeyFails() throws IOException {
        NoteSigner impostor = NoteSigner.generate(ORIGIN);
        Path cp = write("cp.txt", new Checkpoint(ORIGIN, 12, MerkleProofs.root(12, tree(log))).sign(impostor));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--export", export(lines(log)).toString()))
                .isEqualTo(VerifyMain.FAILED);
        assertThat(output).contains("FAILED: checkpoint").contains("not signed by " + ORIGIN);
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        assertThat(run("--checkpoint", "cp.txt")).isEqualTo(VerifyMain.USAGE);
        assertThat(output).contains("--key and --checkpoint are required").contains("usage:");
        assertThat(run("--key", vkey, "--checkpoint", dir.resolve("missing.txt").toString())).isEqualTo(VerifyMain.USAGE);
        assertThat(output).contains("cannot read");
        Path cp = write("cp.txt", checkpoint(log, 12));
        assertThat(run("--key", vkey, "--checkpoint", cp.toString(), "--previous", cp.toString())).isEqualTo(VerifyMain.USAGE);
        assertThat(run("--help")).isEqualTo(VerifyMain.OK);
    }

    @Test
    void generatesAKeyPair() {
        assertThat(run("--generate-key", "ledger.example/log")).isEqualTo(VerifyMain.OK);
        String[] keys = output.strip().split("\n");
        assertThat(keys).hasSize(2);
        NoteSigner generated = NoteSigner.parse(keys[0]);
        assertThat(generated.verifier().vkey()).isEqualTo(keys[1]).startsWith("ledger.example/log+");
        assertThat(run("--generate-key", "bad name")).isEqualTo(VerifyMain.USAGE);
    }

    @Test
    void exportLinesAreTheLeafPlusTheRecordedHash() {
        LogEntry entry = log.get(1);
        String line = ExportFormat.line(entry);
        String leaf = new String(entry.leafBytes(), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo(leaf.replace(",\"metaData\"", ",\"leafHash\":\"" + Hashes.base64(entry.leafHash())
                                                                   + "\",\"metaData\""));
        assertThat(ExportFormat.parse(line).entry()).isEqualTo(entry);
        assertThat(ExportFormat.parse(leaf).recordedLeafHash()).isNull();
    }
}
