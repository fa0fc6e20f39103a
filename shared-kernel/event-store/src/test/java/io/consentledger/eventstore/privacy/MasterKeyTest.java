package io.consentledger.eventstore.privacy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The master key: from configuration, or developer mode's file, shared by every instance started from one directory. */
class MasterKeyTest {

    @TempDir
    Path dir;

    private static SecretKey dataKey() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void developerModeWritesOneKeyThatEveryInstanceReads() throws Exception {
        Path file = dir.resolve("data").resolve("privacy-master.key");
        MasterKey first = MasterKey.resolve("", file);
        MasterKey second = MasterKey.resolve(null, file);
        SecretKey key = dataKey();

        assertThat(second.unwrap("bank-1/c", first.wrap("bank-1/c", key)).getEncoded()).isEqualTo(key.getEncoded());
        assertThat(Files.readString(file).strip()).hasSize(44);
        assertThat(first.toString()).doesNotContain(Files.readString(file).strip());
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void aConfiguredKeyIsUsedAndABadOneIsRefusedWithoutEchoingIt() throws Exception {
        byte[] bytes = new byte[32];
        bytes[0] = 7;
        String configured = Base64.getEncoder().encodeToString(bytes);
        MasterKey key = MasterKey.resolve(configured, dir.resolve("unused.key"));
        SecretKey data = dataKey();
        assertThat(MasterKey.of(bytes).unwrap("s", key.wrap("s", data)).getEncoded()).isEqualTo(data.getEncoded());
        assertThat(dir.resolve("unused.key")).doesNotExist();

        assertThatThrownBy(() -> MasterKey.resolve("not base64 !!", null)).hasMessageNotContaining("not base64 !!");
        assertThatThrownBy(() -> MasterKey.resolve(Base64.getEncoder().encodeToString(new byte[16]), null))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void aKeyWrappedForOneCustomerDoesNotUnwrapForAnother() throws Exception {
        MasterKey key = MasterKey.generate();
        byte[] wrapped = key.wrap("bank-1/a", dataKey());
        assertThatThrownBy(() -> key.unwrap("bank-1/b", wrapped)).isInstanceOf(PersonalDataException.class);
    }
}
