package io.consentledger.command.testing;

import io.consentledger.command.CommandSideApplication;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Boots the command side on a random port over the embedded store in memory, with a hand-moved clock and no
 * scheduled sweeper (tests sweep by hand). Talks real HTTP.
 */
@SpringBootTest(classes = CommandSideApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "consent-ledger.mongodb.embedded.in-memory=true",
                "consent-ledger.expiry.scheduler.enabled=false",
                "axon.update-check.disabled=true"
        })
@Import(HttpTestSupport.TestClock.class)
public abstract class HttpTestSupport {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestConfiguration(proxyBeanMethods = false)
    public static class TestClock {
        @Bean
        @Primary
        public MutableClock mutableClock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected MutableClock clock;
    @Autowired
    protected EventStore eventStore;

    @BeforeEach
    void resetClock() {
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    public record Response(int status, String contentType, JsonNode json, String raw, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return json.path(field).asString();
        }
    }

    protected Response post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                                 .header("Content-Type", "application/json")
                                                 .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    protected Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
    }

    protected Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode json = null;
            try {
                json = raw == null || raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            } catch (RuntimeException notJson) {
                json = JSON.createObjectNode();
            }
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json, raw,
                    response.headers());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String linkJson(String linkId, String customerId, String currency) {
        return """
                {"linkId": "%s", "customerId": "%s", "providerId": "bank-1", "accountId": "acc-%s", "currency": "%s",
                 "evidence": {"channel": "MOBILE_APP", "authorisedAt": "%s", "disclosureVersion": "tc-7"}}
                """.formatted(linkId, customerId, linkId, currency, clock.instant().minusSeconds(30));
    }

    protected String link(String customerId) {
        String linkId = id("link");
        Response created = post("/api/v1/links", linkJson(linkId, customerId, "EUR"));
        if (created.status() != 201) {
            throw new AssertionError("link failed: " + created.raw());
        }
        return linkId;
    }

    protected String consentJson(String consentId, String linkId, String scopes, String purposes, String frequency) {
        return """
                {"consentId": "%s", "recipientId": "messenger", "linkIds": ["%s"], "scopes": %s, "purposes": %s,
                 "expiresAt": "%s", "window": {"lookbackDays": 90}, "frequency": %s}
                """.formatted(consentId, linkId, scopes, purposes, clock.instant().plus(90, ChronoUnit.DAYS), frequency);
    }

    protected String evidenceJson() {
        return """
                {"evidence": {"channel": "MOBILE_APP", "authorisedAt": "%s", "disclosureVersion": "tc-7"}}
                """.formatted(clock.instant().minusSeconds(5));
    }

    /** A linked account and an authorised consent on it for balances and transactions, for fraud alerts. */
    protected String[] authorisedConsent(String frequency) {
        String linkId = link(id("cust"));
        String consentId = id("consent");
        Response requested = post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\", \"TRANSACTIONS\"]",
                "[\"FRAUD_ALERTS\"]", frequency));
        if (requested.status() != 201) {
            throw new AssertionError("request failed: " + requested.raw());
        }
        Response authorised = post("/api/v1/consents/" + consentId + "/authorise", evidenceJson());
        if (authorised.status() != 200) {
            throw new AssertionError("authorise failed: " + authorised.raw());
        }
        return new String[]{linkId, consentId};
    }

    protected String balanceJson(String linkId, String amount, String currency) {
        return """
                {"linkId": "%s", "amount": %s, "currency": "%s", "asOf": "%s", "purpose": "FRAUD_ALERTS"}
                """.formatted(linkId, amount, currency, clock.instant());
    }

    protected List<Object> eventsOf(String aggregateId) {
        return eventStore.readEvents(aggregateId).asStream().map(m -> (Object) m.getPayload()).toList();
    }
}
