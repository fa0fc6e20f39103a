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
                "consent-ledger.erasure.scheduler.enabled=false",
                // tests send bursts; the limiter itself is tested on its own (RateLimitFilterTest)
                "consent-ledger.security.rate-limit.requests-per-second=100000",
                "consent-ledger.security.rate-limit.burst=100000",
                // tests send many refused credentials from one address; AddressRateLimitHttpTest tests that limit
                "consent-ledger.security.rate-limit.per-address.requests-per-second=100000",
                "consent-ledger.security.rate-limit.per-address.burst=100000",
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
    @Autowired
    protected io.consentledger.eventstore.GapAwareMongoEventStorageEngine storageEngine;

    /** The head of the event log: positions allocated so far (a refused command allocates none). */
    protected Long headPosition() {
        return storageEngine.headPosition();
    }

    @BeforeEach
    void resetClock() {
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    public record Response(int status, String contentType, JsonNode json, String raw, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return json.path(field).asString();
        }
    }

    /** Developer API keys (dev mode): {@code dev-key-<name>}; their hashes are the module's defaults. */
    public static final String BANK_1 = "dev-key-bank-1";
    public static final String BANK_2 = "dev-key-bank-2";
    public static final String MESSENGER = "dev-key-messenger";
    public static final String VOICE_ASSISTANT = "dev-key-voice-assistant";
    public static final String AUDITOR = "dev-key-auditor";
    public static final String OPERATOR = "dev-key-operator";

    /** The header pair that authenticates as the caller with this developer key. */
    public static String[] as(String key) {
        return new String[]{"Authorization", "ApiKey " + key};
    }

    /**
     * Posts as the caller the headers name, or, when they name none, as the party that naturally sends this
     * command in the tests' scenarios: bank-1 for links and provider commands, messenger for requests and for
     * revocations initiated by the recipient.
     */
    protected Response post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                                 .header("Content-Type", "application/json")
                                                 .POST(HttpRequest.BodyPublishers.ofString(body));
        boolean authenticated = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            authenticated |= headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("X-Api-Key")
                    || headers[i].equalsIgnoreCase("X-Anonymous");
        }
        if (!authenticated) {
            request.header("Authorization", "ApiKey " + naturalSender(path, body));
        }
        return send(request.build());
    }

    static String naturalSender(String path, String body) {
        if (path.equals("/api/v1/consents") || path.endsWith("/revoke") && body.replace(" ", "").contains("\"initiator\":\"RECIPIENT\"")) {
            return MESSENGER;
        }
        return BANK_1;
    }

    protected Response get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
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
