package io.consentledger.query.log;

import io.consentledger.verifiable.note.NoteSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The key that signs checkpoints. Configured ({@code consent-ledger.log.signing-key}, a secret), or in developer
 * mode generated once into a file next to the embedded store's data ({@code data/log-signing.key}), or, when the
 * store itself keeps nothing (in memory), generated for this run only. The verifier key is logged at start-up and
 * published at {@code GET /api/v1/log/key}; the checkpoint origin is the key's name.
 */
public final class LogSigningKey {

    private static final Logger logger = LoggerFactory.getLogger(LogSigningKey.class);

    private final NoteSigner signer;

    private LogSigningKey(NoteSigner signer) {
        this.signer = signer;
    }

    public NoteSigner signer() {
        return signer;
    }

    public String origin() {
        return signer.name();
    }

    public String vkey() {
        return signer.verifier().vkey();
    }

    /**
     * @param keyFile where developer mode keeps its key; null: an ephemeral key (the store keeps nothing either)
     */
    public static LogSigningKey resolve(String configuredKey, String origin, Path keyFile) {
        LogSigningKey key;
        if (configuredKey != null && !configuredKey.isBlank()) {
            try {
                key = new LogSigningKey(NoteSigner.parse(configuredKey));
            } catch (IllegalArgumentException e) {
                // never echo the secret
                throw new IllegalStateException("consent-ledger.log.signing-key is not a valid signer key: "
                                                + e.getMessage());
            }
            logger.info("Verifiable log: checkpoints are signed with the configured key; verifier key {}", key.vkey());
        } else if (keyFile == null) {
            key = new LogSigningKey(NoteSigner.generate(origin));
            logger.warn("Verifiable log (developer mode, in-memory store): checkpoints are signed with a key generated "
                        + "for this run only; verifier key {}", key.vkey());
        } else {
            key = new LogSigningKey(fromFile(keyFile, origin));
            logger.warn("Verifiable log (developer mode): checkpoints are signed with the generated key in {}; "
                        + "verifier key {}. Configure consent-ledger.log.signing-key in production.",
                        keyFile, key.vkey());
        }
        return key;
    }

    private static NoteSigner fromFile(Path keyFile, String origin) {
        try {
            if (Files.exists(keyFile)) {
                return NoteSigner.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
            }
            NoteSigner generated = NoteSigner.generate(origin);
            Path parent = keyFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(keyFile, generated.skey() + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on other file systems
            }
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the developer log key " + keyFile, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the developer log key in " + keyFile + " is not a valid signer key: "
                                            + e.getMessage());
        }
    }
}
