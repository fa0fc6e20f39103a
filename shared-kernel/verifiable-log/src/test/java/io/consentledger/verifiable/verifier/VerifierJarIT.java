package io.consentledger.verifiable.verifier;

import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.tiles.TileAppender;
import io.consentledger.verifiable.tiles.Tiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar, run as a user runs it: {@code java -jar consent-ledger-verify.jar}, with nothing else. */
class VerifierJarIT {

    private static final Path JAR = Path.of("target", "consent-ledger-verify.jar");

    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    private Result runJar(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                                       "-jar", JAR.toAbsolutePath().toString()));
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    @Test
    void theJarHoldsOnlyTheModuleAndRunsStandalone() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(VerifyMain.class.getName());
            assertThat(jar.stream().map(entry -> entry.getName()))
                    .allMatch(name -> name.startsWith("io/") || name.startsWith("META-INF/"));
        }
        NoteSigner signer = NoteSigner.generate("consent-ledger.example/log");
        List<LogEntry> log = VerifyMainTest.log(20);
        List<byte[]> leaves = log.stream().map(LogEntry::leafHash).toList();
        byte[] root = MerkleProofs.root(20, Tiles.hashSource(TileAppender.append(0, List.of(), leaves)));
        Files.writeString(dir.resolve("log.vkey"), signer.verifier().vkey());
        Files.writeString(dir.resolve("cp.txt"), new Checkpoint(signer.name(), 20, root).sign(signer));
        List<String> lines = new ArrayList<>(log.stream().map(ExportFormat::line).toList());
        Files.write(dir.resolve("events.ndjson"), lines);

        Result good = runJar("--key", "log.vkey", "--checkpoint", "cp.txt", "--export", "events.ndjson");
        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(good.output()).contains("OK: all checks passed");

        lines.set(13, lines.get(13).replace("130.00", "131.00"));
        Files.write(dir.resolve("events.ndjson"), lines);
        Result edited = runJar("--key", "log.vkey", "--checkpoint", "cp.txt", "--export", "events.ndjson");
        assertThat(edited.exit()).isEqualTo(1);
        assertThat(edited.output()).contains("FAILED: position 13:");

        Result usage = runJar("--checkpoint", "cp.txt");
        assertThat(usage.exit()).isEqualTo(2);
    }
}
