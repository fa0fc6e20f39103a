package io.consentledger.query.log;

import io.consentledger.verifiable.note.NoteSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogSigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void developerModeGeneratesAKeyIntoTheDataDirectoryOnceAndKeepsUsingIt() throws Exception {
        Path file = dir.resolve("data").resolve("log-signing.key");
        LogSigningKey first = LogSigningKey.resolve("", "dev.consent-ledger.example/log", file);
        LogSigningKey again = LogSigningKey.resolve(null, "dev.consent-ledger.example/log", file);

        assertThat(Files.readString(file)).startsWith("PRIVATE+KEY+dev.consent-ledger.example/log+");
        assertThat(again.vkey()).isEqualTo(first.vkey());
        assertThat(first.origin()).isEqualTo("dev.consent-ledger.example/log");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aConfiguredKeyWinsAndNamesTheOrigin() {
        NoteSigner configured = NoteSigner.generate("ledger.example.com/log");
        LogSigningKey key = LogSigningKey.resolve(configured.skey(), "ignored/log", dir.resolve("unused.key"));

        assertThat(key.vkey()).isEqualTo(configured.verifier().vkey());
        assertThat(key.origin()).isEqualTo("ledger.example.com/log");
        assertThat(dir.resolve("unused.key")).doesNotExist();
    }

    @Test
    void anInMemoryStoreGetsAKeyForTheRunOnly() {
        assertThat(LogSigningKey.resolve(null, "a/log", null).vkey())
                .isNotEqualTo(LogSigningKey.resolve(null, "a/log", null).vkey());
    }

    @Test
    void aBrokenConfiguredKeyStopsTheStartWithoutEchoingIt() {
        String broken = NoteSigner.generate("x/log").skey().replace("+KEY+x/log+", "+KEY+y/log+");
        assertThatThrownBy(() -> LogSigningKey.resolve(broken, "x/log", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("consent-ledger.log.signing-key")
                .hasMessageNotContaining(broken.substring(broken.lastIndexOf('+') + 1));
    }
}
