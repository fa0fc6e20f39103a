package io.consentledger.command.api;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.consentledger.command.customer.CustomerDirectory;
import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, part 2: the store operations one accepted share costs on the request thread, counted by the MongoDB
 * driver's command listener. With an {@code Idempotency-Key}: the key's PENDING record, one probe for the consent
 * and its link together ({@code PrefetchedProbes}), the position and the commit; the outcome is written after the
 * answer by the key store's writer thread, counted apart (one bulk update per batch of outcomes). The erasure
 * guard's look-up is answered from memory. Other background work (event processors) is not counted.
 */
@Import(ShareStoreOperationsTest.CountingClient.class)
class ShareStoreOperationsTest extends HttpTestSupport {

    static final Map<String, LongAdder> OPERATIONS = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> DEFERRED = new ConcurrentHashMap<>();
    /** The erasure guard's one read per refresh interval (1 s) for all customers: not a cost of each share. */
    static final LongAdder GENERATION_READS = new LongAdder();

    static boolean isGenerationRead(CommandStartedEvent event) {
        return "find".equals(event.getCommandName())
               && CustomerDirectory.GENERATION.equals(event.getCommand().getString("find").getValue());
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class CountingClient {
        @Bean(destroyMethod = "close")
        MongoClient mongoClient(EmbeddedMongoServer server) {
            return MongoClients.create(MongoClientSettings.builder()
                                                          .applyConnectionString(new ConnectionString(server.connectionString()))
                                                          .addCommandListener(new CommandListener() {
                                                              @Override
                                                              public void commandStarted(CommandStartedEvent event) {
                                                                  String thread = Thread.currentThread().getName();
                                                                  if (thread.startsWith("http-nio") && isGenerationRead(event)) {
                                                                      GENERATION_READS.increment();
                                                                  } else if (thread.startsWith("http-nio")) {
                                                                      OPERATIONS.computeIfAbsent(event.getCommandName(),
                                                                              k -> new LongAdder()).increment();
                                                                  } else if (thread.equals("idempotency-outcomes")) {
                                                                      DEFERRED.computeIfAbsent(event.getCommandName(),
                                                                              k -> new LongAdder()).increment();
                                                                  }
                                                              }
                                                          })
                                                          .build());
        }
    }

    @Test
    void anAcceptedShareWithAnIdempotencyKeyCostsFourStoreOperationsOnTheRequestThread() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 1000}");
        String path = "/api/v1/consents/" + consent[1] + "/shares/balance";
        // the first share loads the link into the cache (a miss); the ones after are the steady state
        assertThat(post(path, balanceJson(consent[0], "1.00", "EUR"), "Idempotency-Key", id("key")).status()).isEqualTo(201);
        org.awaitility.Awaitility.await().until(() -> DEFERRED.containsKey("update"));
        OPERATIONS.clear();
        DEFERRED.clear();
        GENERATION_READS.reset();
        long started = System.nanoTime();
        int shares = 20;
        for (int i = 0; i < shares; i++) {
            assertThat(post(path, balanceJson(consent[0], "1." + (10 + i), "EUR"), "Idempotency-Key", id("key")).status())
                    .isEqualTo(201);
        }
        Map<String, Double> perShare = new TreeMap<>();
        OPERATIONS.forEach((name, count) -> perShare.put(name, count.sum() / (double) shares));
        double total = perShare.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.println("Store operations per accepted share (request thread): " + perShare + ", total " + total
                           + "; erasure generation reads: " + GENERATION_READS.sum());
        assertThat(GENERATION_READS.sum()).as("at most one per started second")
                                          .isLessThanOrEqualTo(1 + (System.nanoTime() - started) / 1_000_000_000L);
        // idempotency insert + commit insert; one find for both probes; positions (grouped); no update: the
        // outcome is written after the answer; no read of the customer directory (the erasure guard's cache)
        assertThat(perShare.getOrDefault("find", 0.0)).isEqualTo(1.0);
        assertThat(perShare.getOrDefault("insert", 0.0)).isEqualTo(2.0);
        assertThat(perShare.getOrDefault("update", 0.0)).isZero();
        assertThat(total).isLessThanOrEqualTo(4.0);
        // the outcomes: at most one bulk update per share (one per batch; here the shares come one at a time)
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(DEFERRED.getOrDefault("update", new LongAdder()).sum())
                .isBetween(1L, (long) shares));
        assertThat(DEFERRED.keySet()).containsOnly("update");
    }
}
