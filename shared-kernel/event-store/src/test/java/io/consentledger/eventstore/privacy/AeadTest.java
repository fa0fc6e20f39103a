package io.consentledger.eventstore.privacy;

import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AES-256-GCM with one cipher per thread: every use starts clean, whatever the use before it did. */
class AeadTest {

    private final SecretKey key = new SecretKeySpec(new byte[Aead.KEY_BYTES], "AES");
    private final SecretKey other = new SecretKeySpec(filled((byte) 7), "AES");

    @Test
    void aCiphertextOpensWithItsKeyAndAssociatedDataOnly() throws Exception {
        byte[] sealed = Aead.seal(key, bytes("GB29NWBK60161331926819"), "event-1/accountId");

        assertThat(new String(Aead.open(key, sealed, "event-1/accountId"), StandardCharsets.UTF_8))
                .isEqualTo("GB29NWBK60161331926819");
        assertThatThrownBy(() -> Aead.open(key, sealed, "event-2/accountId")).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> Aead.open(other, sealed, "event-1/accountId")).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void aFailedOpenLeavesNothingBehindForTheNextUseOnTheSameThread() throws Exception {
        for (int i = 0; i < 50; i++) {
            byte[] sealed = Aead.seal(i % 2 == 0 ? key : other, bytes("amount " + i), "event-" + i + "/amount");
            byte[] tampered = sealed.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> Aead.open(key, tampered, "x")).isInstanceOf(AEADBadTagException.class);
            assertThat(Aead.open(i % 2 == 0 ? key : other, sealed, "event-" + i + "/amount"))
                    .isEqualTo(bytes("amount " + i));
        }
    }

    @Test
    void everySealHasItsOwnNonce() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] sealed = Aead.seal(key, bytes("same"), "same");
            nonces.add(java.util.HexFormat.of().formatHex(sealed, 0, 12));
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void threadsSealAndOpenAtTheSameTimeWithoutMixingUp() throws Exception {
        Thread[] threads = new Thread[8];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        String plain = "thread " + id + " value " + i;
                        byte[] sealed = Aead.seal(key, bytes(plain), "ad-" + id);
                        assertThat(new String(Aead.open(key, sealed, "ad-" + id), StandardCharsets.UTF_8)).isEqualTo(plain);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failure[0]).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filled(byte b) {
        byte[] out = new byte[Aead.KEY_BYTES];
        java.util.Arrays.fill(out, b);
        return out;
    }
}
