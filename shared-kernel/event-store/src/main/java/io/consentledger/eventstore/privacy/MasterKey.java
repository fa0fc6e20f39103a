package io.consentledger.eventstore.privacy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key-encryption key that wraps every customer's data key (AES-256, from configuration; a secret). Developer
 * mode generates one into a file next to the embedded store ({@code data/privacy-master.key}), or for this run only
 * with an in-memory store. Its bytes are never logged, and {@link #toString()} does not show them.
 */
public final class MasterKey {

    private static final Logger logger = LoggerFactory.getLogger(MasterKey.class);
    private static final String WRAP_CONTEXT = "consent-ledger/customer-key/v1|";

    private final SecretKey key;

    private MasterKey(byte[] bytes) {
        if (bytes.length != Aead.KEY_BYTES) {
            throw new IllegalStateException("consent-ledger.privacy.master-key must be " + Aead.KEY_BYTES
                                            + " bytes (base64), not " + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** A fresh random key (tests; developer mode with an in-memory store). */
    public static MasterKey generate() {
        byte[] bytes = new byte[Aead.KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new MasterKey(bytes);
    }

    public static MasterKey of(byte[] bytes) {
        return new MasterKey(bytes.clone());
    }

    /**
     * @param configured base64 of 32 bytes, or blank
     * @param keyFile    where developer mode keeps its key; null: a key for this run only
     */
    public static MasterKey resolve(String configured, Path keyFile) {
        if (configured != null && !configured.isBlank()) {
            try {
                return new MasterKey(Base64.getDecoder().decode(configured.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("consent-ledger.privacy.master-key is not base64"); // never echo it
            }
        }
        if (keyFile == null) {
            logger.warn("Personal data (developer mode, in-memory store): encrypted under a master key generated for this run only");
            return generate();
        }
        logger.warn("Personal data (developer mode): encrypted under the generated master key in {}. "
                    + "Configure consent-ledger.privacy.master-key in production.", keyFile);
        return fromFile(keyFile);
    }

    private static MasterKey fromFile(Path keyFile) {
        try {
            if (Files.exists(keyFile)) {
                return new MasterKey(Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.UTF_8).strip()));
            }
            MasterKey generated = generate();
            Path parent = keyFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // Written aside, then linked into place: two instances starting at once agree on one key.
            Path temp = Files.createTempFile(keyFile.toAbsolutePath().getParent(), "privacy-master", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // best effort on other file systems
                }
                Files.writeString(temp, Base64.getEncoder().encodeToString(generated.key.getEncoded()) + "\n",
                                  StandardCharsets.UTF_8);
                Files.createLink(keyFile, temp);
            } catch (java.nio.file.FileAlreadyExistsException another) {
                return fromFile(keyFile);
            } finally {
                Files.deleteIfExists(temp);
            }
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the developer master key " + keyFile, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the developer master key in " + keyFile + " is not base64");
        }
    }

    byte[] wrap(String subjectId, SecretKey dataKey) {
        return Aead.seal(key, dataKey.getEncoded(), WRAP_CONTEXT + subjectId);
    }

    SecretKey unwrap(String subjectId, byte[] wrapped) {
        try {
            return new SecretKeySpec(Aead.open(key, wrapped, WRAP_CONTEXT + subjectId), "AES");
        } catch (AEADBadTagException e) {
            throw new PersonalDataException("The data key of a customer does not unwrap under the configured master key "
                                            + "(wrong master key, or the key document was altered)");
        }
    }

    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }
}
