package io.consentledger.eventstore.privacy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Not a test: what one seal costs (issue 16, p9-enc), as {@link Aead#seal} does it (the JVM's shared NativePRNG for the
 * nonce, the ciphertext copied after the nonce; "before") against a variant with a DRBG per thread and no copy
 * ("after"; not adopted: it measured no cheaper), in rounds that alternate the two,
 * with 1 and with 8 threads sealing at once, each seal under another customer's key (as requests do). Reports the
 * threads' CPU (user + system, {@link ThreadMXBean}) per seal. Runs only with {@code -Dprofile.encryption=true}.
 */
@EnabledIfSystemProperty(named = "profile.encryption", matches = "true")
class SealCostProfile {

    private static final SecureRandom SHARED = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });
    private static volatile Object sink;

    private static final ThreadLocal<SecureRandom> DRBG = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });

    /** The variant tried in p9-enc: a DRBG per thread for the nonce, the ciphertext written in place after it. */
    private static byte[] variant(SecretKey key, byte[] plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[12];
            DRBG.get().nextBytes(nonce);
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + plaintext.length + 16];
            System.arraycopy(nonce, 0, out, 0, 12);
            cipher.doFinal(plaintext, 0, plaintext.length, out, 12);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The seal as {@link Aead#seal} does it (the JVM's shared NativePRNG, the ciphertext copied after the nonce). */
    private static byte[] before(SecretKey key, byte[] plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[12];
            SHARED.nextBytes(nonce);
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cpuPerSeal() throws Exception {
        int rounds = Integer.getInteger("profile.rounds", 8);
        int perThread = Integer.getInteger("profile.seals", 50_000);
        SecretKey[] keys = new SecretKey[1000];
        for (int i = 0; i < keys.length; i++) {
            byte[] bytes = new byte[32];
            SHARED.nextBytes(bytes);
            keys[i] = new SecretKeySpec(bytes, "AES");
        }
        byte[] plaintext = ("{\"amount\":\"12345.67\",\"transactions[0].transactionId\":\"share-123456-tx-0\","
                            + "\"transactions[0].bookedAt\":\"2026-12-03T12:00:00Z\",\"transactions[0].amount\":\"-12.34\"}")
                .getBytes(StandardCharsets.UTF_8);
        String aad = "consent-ledger/personal/v2|4f9c2a7e-1b3d-4c5e-8f90-123456789abc|bank-1/cust-123456";
        for (int threads : new int[]{1, 8}) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<double[]> b = new ArrayList<>();
            List<double[]> a = new ArrayList<>();
            for (int round = -2; round < rounds; round++) { // two unmeasured rounds of each first
                for (boolean old : round % 2 == 0 ? new boolean[]{true, false} : new boolean[]{false, true}) {
                    double[] r = run(pool, threads, perThread, keys, plaintext, aad, old ? SealCostProfile::before : SealCostProfile::variant);
                    if (round >= 0) {
                        (old ? b : a).add(r);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "PROFILE seal, %d thread(s), %d seals a thread a round, %d rounds: before %s, after %s%n",
                              threads, perThread, rounds, mean(b), mean(a));
            pool.shutdownNow();
        }
    }

    /** The sealed values' plaintext: Jackson's generator directly (since p9-enc) against ObjectMapper.writeValueAsBytes. */
    @Test
    void cpuPerPlaintext() throws Exception {
        int rounds = Integer.getInteger("profile.rounds", 8);
        int n = Integer.getInteger("profile.seals", 50_000);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        org.bson.Document balance = new org.bson.Document("amount", "12345.67");
        org.bson.Document transactions = new org.bson.Document("transactions[0].amount", "-12.34")
                .append("transactions[0].bookedAt", "2026-12-03T11:00:00Z").append("transactions[0].merchant", "Shop 12")
                .append("transactions[1].amount", "-1.10").append("transactions[1].bookedAt", "2026-12-03T10:00:00Z")
                .append("transactions[1].merchant", "Shop 13");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (org.bson.Document plain : List.of(balance, transactions)) {
            List<double[]> b = new ArrayList<>();
            List<double[]> a = new ArrayList<>();
            for (int round = -2; round < rounds; round++) {
                for (boolean old : round % 2 == 0 ? new boolean[]{true, false} : new boolean[]{false, true}) {
                    long c0 = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        sink = old ? mapper.writeValueAsBytes(plain) : PersonalDataCodec.plaintext(plain);
                    }
                    double us = (cpu.getCurrentThreadCpuTime() - c0) / 1000.0 / n;
                    if (round >= 0) {
                        (old ? b : a).add(new double[]{us, 0});
                    }
                }
            }
            System.out.printf(Locale.ROOT, "PROFILE plaintext of %d values: ObjectMapper %s; generator %s%n", plain.size(),
                              mean(b), mean(a));
        }
    }

    private static String mean(List<double[]> rs) {
        double cpu = rs.stream().mapToDouble(r -> r[0]).average().orElse(0);
        double sd = Math.sqrt(rs.stream().mapToDouble(r -> Math.pow(r[0] - cpu, 2)).sum() / (rs.size() - 1));
        double wall = rs.stream().mapToDouble(r -> r[1]).average().orElse(0);
        return String.format(Locale.ROOT, "CPU %.2f us a seal (SE %.2f), wall %.2f us a seal", cpu, sd / Math.sqrt(rs.size()), wall);
    }

    private static double[] run(ExecutorService pool, int threads, int perThread, SecretKey[] keys, byte[] plaintext,
                                String aad, Seal seal) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Future<Long>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 37;
            done.add(pool.submit(() -> {
                long c0 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < perThread; i++) {
                    sink = seal.apply(keys[(i + offset) % keys.length], plaintext, aad);
                }
                return cpu.getCurrentThreadCpuTime() - c0;
            }));
        }
        long total = 0;
        for (Future<Long> f : done) {
            total += f.get();
        }
        long wall = System.nanoTime() - t0;
        return new double[]{total / 1000.0 / threads / perThread, wall / 1000.0 / perThread};
    }

    @FunctionalInterface
    private interface Seal {
        byte[] apply(SecretKey key, byte[] plaintext, String aad);
    }
}
