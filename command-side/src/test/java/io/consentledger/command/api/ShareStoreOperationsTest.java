package io.consentledger.command.api;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
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
 * driver's command listener. With an {@code Idempotency-Key}: the key's record (insert, then the outcome), one probe
 * for the consent and its link together ({@code PrefetchedProbes}), the position and the commit. Background work
 * (event processors) runs on other threads and is not counted.
 */
@Import(ShareStoreOperationsTest.CountingClient.class)
class ShareStoreOperationsTest extends HttpTestSupport {

    static final Map<String, LongAdder> OPERATIONS = new ConcurrentHashMap<>();

    @TestConfiguration(proxyBeanMethods = false)
    static class CountingClient {
        @Bean(destroyMethod = "close")
        MongoClient mongoClient(EmbeddedMongoServer server) {
            return MongoClients.create(MongoClientSettings.builder()
                                                          .applyConnectionString(new ConnectionString(server.connectionString()))
                                                          .addCommandListener(new CommandListener() {
                                                              @Override
                                                              public void commandStarted(CommandStartedEvent event) {
                                                                  if (Thread.currentThread().getName().startsWith("http-nio")) {
                                                                      OPERATIONS.computeIfAbsent(event.getCommandName(),
                                                                              k -> new LongAdder()).increment();
                                                                  }
                                                              }
                                                          })
                                                          .build());
        }
    }

    @Test
    void anAcceptedShareWithAnIdempotencyKeyCostsFiveStoreOperations() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 1000}");
        String path = "/api/v1/consents/" + consent[1] + "/shares/balance";
        // the first share loads the link into the cache (a miss); the ones after are the steady state
        assertThat(post(path, balanceJson(consent[0], "1.00", "EUR"), "Idempotency-Key", id("key")).status()).isEqualTo(201);
        OPERATIONS.clear();
        int shares = 20;
        for (int i = 0; i < shares; i++) {
            assertThat(post(path, balanceJson(consent[0], "1." + (10 + i), "EUR"), "Idempotency-Key", id("key")).status())
                    .isEqualTo(201);
        }
        Map<String, Double> perShare = new TreeMap<>();
        OPERATIONS.forEach((name, count) -> perShare.put(name, count.sum() / (double) shares));
        double total = perShare.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.println("Store operations per accepted share (request thread): " + perShare + ", total " + total);
        // idempotency insert + commit insert; one find for both probes; the outcome's update; positions (grouped)
        assertThat(perShare.getOrDefault("find", 0.0)).isEqualTo(1.0);
        assertThat(perShare.getOrDefault("insert", 0.0)).isEqualTo(2.0);
        assertThat(perShare.getOrDefault("update", 0.0)).isEqualTo(1.0);
        assertThat(total).isLessThanOrEqualTo(5.0);
    }
}
