package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger (the query side's application context) stops between the event and its delivery, and starts again on
 * the same store: the notification is still delivered, and exactly once as far as {@code webhook-id} goes.
 */
class NotificationRestartTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private static ConfigurableApplicationContext start(EmbeddedMongoServer store) {
        return new SpringApplicationBuilder(QuerySideApplication.class).run(
                "--server.port=0",
                "--consent-ledger.mongodb.uri=" + store.connectionString(),
                "--consent-ledger.mongodb.database=restart-test",
                "--axon.update-check.disabled=true",
                "--consent-ledger.webhooks.allow-insecure-loopback=true",
                "--consent-ledger.webhooks.dispatcher.poll-interval=200ms",
                "--consent-ledger.webhooks.dispatcher.retry-delays=500ms,1s,1s,1s,1s,1s,1s",
                "--consent-ledger.webhooks.dispatcher.retry-jitter=0");
    }

    private HttpResponse<String> call(ConfigurableApplicationContext context, String method, String path, String body)
            throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "ApiKey dev-key-messenger")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNotificationRecordedBeforeARestartIsDeliveredAfterItExactlyOnce() throws Exception {
        int port = WebhookReceiver.freePort();
        String webhookId;
        String consent = "c-restart";
        try (EmbeddedMongoServer store = EmbeddedMongoServer.inMemory()) {
            try (ConfigurableApplicationContext first = start(store)) {
                HttpResponse<String> registered = call(first, "POST", "/api/v1/webhooks",
                        "{\"url\":\"" + WebhookReceiver.url(port) + "\",\"events\":[\"consent.revoked\"]}");
                assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
                JsonNode hook = json.readTree(registered.body());
                webhookId = hook.get("webhookId").asText();
                String secret = hook.get("secret").asText();

                // the receiver is down: the delivery is recorded and its first attempt fails
                new LedgerScript(first.getBean(EventStore.class))
                        .link("l-restart", "cust-restart", "bank-1")
                        .requestConsent(consent, "messenger", "cust-restart", "l-restart", EnumSet.of(Scope.BALANCES),
                                EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30),
                                AccessFrequency.perDay(4))
                        .authorise(consent).revoke(consent);
                await().atMost(Duration.ofSeconds(20)).until(() -> json.readTree(
                        call(first, "GET", "/api/v1/webhooks/" + webhookId + "/deliveries", null).body())
                        .get("attempts").size() >= 1);

                // the ledger stops before the receiver comes back
                first.close();
                try (WebhookReceiver receiver = new WebhookReceiver(port, (body, before) -> 200);
                     ConfigurableApplicationContext second = start(store)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(consent).size() == 1);
                    receiver.allSignedWith(secret);
                    WebhookReceiver.Received received = receiver.about(consent).get(0);
                    assertThat(received.type()).isEqualTo("consent.revoked");
                    String eventId = received.json().get("eventId").asText();
                    assertThat(received.header("webhook-id")).isEqualTo(eventId + "/" + webhookId);
                    await().atMost(Duration.ofSeconds(10)).until(() -> json.readTree(call(second, "GET",
                            "/api/v1/webhooks/" + webhookId + "/deliveries/" + eventId, null).body())
                            .get("state").asText().equals("DELIVERED"));
                    Thread.sleep(1500);
                    assertThat(receiver.requests).extracting(r -> r.header("webhook-id"))
                            .as("exactly once").containsExactly(eventId + "/" + webhookId);
                    List<JsonNode> attempts = new java.util.ArrayList<>();
                    json.readTree(call(second, "GET", "/api/v1/webhooks/" + webhookId + "/deliveries", null).body())
                        .get("attempts").forEach(attempts::add);
                    assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(200);
                    assertThat(attempts.get(attempts.size() - 1).get("error").asText()).isEqualTo("connection-refused");
                }
            }
        }
    }
}
