package io.consentledger.query;

import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.security.testing.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query side's authorisation matrix, with real JWTs: every endpoint by every kind of caller. A provider's or
 * recipient's list answers never hold another party's rows; someone else's id is answered like an unknown one;
 * the auditor's queries are recorded and can be read back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=matrix-test"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryAuthorisationMatrixTest extends HttpTestSupport {

    private static final TestIssuer ISSUER = TestIssuer.get();
    private static final Map<String, Map<Who, String>> TABLE = new TreeMap<>();

    @DynamicPropertySource
    static void jwtMode(DynamicPropertyRegistry registry) {
        for (String property : ISSUER.properties()) {
            int eq = property.indexOf('=');
            registry.add(property.substring(0, eq), () -> property.substring(eq + 1));
        }
    }

    enum Who {
        ANONYMOUS, WRONG_PROVIDER, RIGHT_PROVIDER, WRONG_RECIPIENT, RIGHT_RECIPIENT, AUDITOR, OPERATOR, EXPIRED_JWT,
        WRONG_AUDIENCE_JWT;

        String token() {
            return switch (this) {
                case ANONYMOUS -> null;
                case WRONG_PROVIDER -> ISSUER.token("svc-bank-2", "PROVIDER", "bank-2");
                case RIGHT_PROVIDER -> ISSUER.token("svc-bank-1", "PROVIDER", "bank-1");
                case WRONG_RECIPIENT -> ISSUER.token("svc-voice", "RECIPIENT", "voice-assistant");
                case RIGHT_RECIPIENT -> ISSUER.token("svc-messenger", "RECIPIENT", "messenger");
                case AUDITOR -> ISSUER.token("alice-auditor", "AUDITOR", null);
                case OPERATOR -> ISSUER.token("oscar-operator", "OPERATOR", null);
                case EXPIRED_JWT -> ISSUER.token("svc-bank-1", "PROVIDER", "bank-1", TestIssuer.AUDIENCE,
                                                 Instant.now().minus(Duration.ofMinutes(10)));
                case WRONG_AUDIENCE_JWT -> ISSUER.token("svc-bank-1", "PROVIDER", "bank-1", "another-api",
                                                        Instant.now().plus(Duration.ofMinutes(5)));
            };
        }

        boolean wrongParty() {
            return this == WRONG_PROVIDER || this == WRONG_RECIPIENT;
        }
    }

    record Endpoint(String method, String path, Map<Who, Integer> expected) {
        String name() {
            return method + " " + path;
        }
    }

    private String customer;
    private String link;
    private String consent;
    private String webhook;
    private String delivery;

    private String shareEvent;
    private long sharePosition;

    private static Map<Who, Integer> expect(int anonymous, int wrongProvider, int rightProvider, int wrongRecipient,
                                            int rightRecipient, int auditor, int operator) {
        Map<Who, Integer> expected = new EnumMap<>(Who.class);
        expected.put(Who.ANONYMOUS, anonymous);
        expected.put(Who.WRONG_PROVIDER, wrongProvider);
        expected.put(Who.RIGHT_PROVIDER, rightProvider);
        expected.put(Who.WRONG_RECIPIENT, wrongRecipient);
        expected.put(Who.RIGHT_RECIPIENT, rightRecipient);
        expected.put(Who.AUDITOR, auditor);
        expected.put(Who.OPERATOR, operator);
        expected.put(Who.EXPIRED_JWT, 401);
        expected.put(Who.WRONG_AUDIENCE_JWT, 401);
        return expected;
    }

    @Override
    String authorization(String path) {
        return "Bearer " + (naturalCaller(path).equals(OPERATOR) ? Who.OPERATOR.token() : Who.AUDITOR.token());
    }

    @BeforeAll
    void aConsentWithAShare() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        customer = "cust-m-" + run;
        link = "link-m-" + run;
        consent = "consent-m-" + run;
        LedgerScript script = new LedgerScript(eventStore);
        script.link(link, customer, "bank-1")
              .requestConsent(consent, "messenger", customer, link, EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90), AccessFrequency.perDay(100))
              .authorise(consent)
              .shareBalance(consent, "125.50", script.now());
        awaitJson("/api/v1/links/" + link + "/balance", balance -> balance.has("amount"));
        awaitJson("/api/v1/audit/access?consentId=" + consent, page -> page.get("records").size() == 1);
        awaitJson("/api/v1/consents/" + consent, view -> "AUTHORISED".equals(view.get("status").asText()));

        // the right recipient's webhook (its receiver is down: deliveries stay pending) and a test ping to it
        HttpResponse<String> registered = call("POST", "/api/v1/webhooks", Who.RIGHT_RECIPIENT.token(),
                "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"consent.revoked\"]}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        webhook = json.readTree(registered.body()).get("webhookId").asText();
        HttpResponse<String> ping = call("POST", "/api/v1/webhooks/" + webhook + "/test", Who.RIGHT_RECIPIENT.token());
        assertThat(ping.statusCode()).as(ping.body()).isEqualTo(202);
        delivery = json.readTree(ping.body()).get("deliveryId").asText();

        JsonNode record = awaitJson("/api/v1/audit/access?consentId=" + consent, page -> page.get("records").size() == 1)
                .get("records").get(0);
        shareEvent = record.get("eventId").asText();
        sharePosition = record.get("globalPosition").asLong();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            Response checkpoint = get("/api/v1/log/checkpoint");
            return checkpoint.status() == 200
                    && Long.parseLong(checkpoint.body().split("\n")[1]) > sharePosition;
        });
    }

    private List<Endpoint> endpoints() {
        int[] auditorOnly = {401, 403, 403, 403, 403, 200, 403};
        int[] operatorOnly = {401, 403, 403, 403, 403, 403, 200};
        return List.of(
                new Endpoint("GET", "/api/v1/consents/{consent}", expect(401, 404, 200, 404, 200, 200, 403)),
                // recipients never look anything up by a bank's customer id, nor read the ledger's copy of shared data
                new Endpoint("GET", "/api/v1/customers/{customer}/consents", expect(401, 200, 200, 403, 403, 200, 403)),
                new Endpoint("GET", "/api/v1/links/{link}/balance", expect(401, 404, 200, 403, 403, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/access?customerId={customer}", expect(401, 200, 200, 400, 400, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/access?consentId={consent}", expect(401, 200, 200, 200, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/access/export?customerId={customer}&format=csv",
                             expect(401, 200, 200, 400, 400, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/access/export?consentId={consent}&format=csv",
                             expect(401, 200, 200, 200, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/customers/{customer}/recipients", expect(auditorOnly)),
                new Endpoint("GET", "/api/v1/audit/compliance", expect(auditorOnly)),
                new Endpoint("GET", "/api/v1/audit/events?aggregateId={consent}", expect(auditorOnly)),
                new Endpoint("GET", "/api/v1/audit/auditor-queries", expect(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("GET", "/api/v1/log/checkpoint", expect(401, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET", "/api/v1/log/key", expect(401, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET", "/api/v1/log/proofs/inclusion?index={share}&size={next}", expect(401, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET", "/api/v1/log/proofs/consistency?from=1&to={next}", expect(401, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET", "/api/v1/log/entries/{share}", expect(401, 404, 200, 404, 200, 200, 404)),
                new Endpoint("GET", "/api/v1/audit/access/{shareEvent}/receipt", expect(401, 404, 200, 404, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/audit/events/export", expect(auditorOnly)),
                new Endpoint("GET", "/api/v1/operator/integrity", expect(operatorOnly)),
                new Endpoint("GET", "/api/v1/operator/dead-letters", expect(operatorOnly)),
                new Endpoint("GET", "/api/v1/operator/processors", expect(operatorOnly)),
                new Endpoint("GET", "/api/v1/operator/log", expect(operatorOnly)),
                new Endpoint("POST", "/api/v1/operator/processors/compliance/start", expect(operatorOnly)),
                new Endpoint("POST", "/api/v1/operator/dead-letters/consents/retry", expect(operatorOnly)),
                // notifications: a recipient's webhook, its delivery log and the feed
                new Endpoint("GET", "/api/v1/webhooks?subscriber=RECIPIENT:messenger",
                             expect(401, 200, 200, 200, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/webhooks/{webhook}", expect(401, 404, 404, 404, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/webhooks/{webhook}/deliveries", expect(401, 404, 404, 404, 200, 200, 403)),
                new Endpoint("GET", "/api/v1/webhooks/{webhook}/deliveries/{delivery}",
                             expect(401, 404, 404, 404, 200, 200, 403)),
                new Endpoint("POST", "/api/v1/webhooks/{webhook}/test", expect(401, 404, 404, 404, 202, 403, 403)),
                new Endpoint("POST", "/api/v1/webhooks/{webhook}/rotate-secret", expect(401, 404, 404, 404, 200, 403, 403)),
                // pending, not given up: not retryable
                new Endpoint("POST", "/api/v1/webhooks/{webhook}/deliveries/{delivery}/retry",
                             expect(401, 404, 404, 404, 409, 403, 403)),
                // no body: the rule lets providers and recipients through to the 400
                new Endpoint("POST", "/api/v1/webhooks", expect(401, 400, 400, 400, 400, 403, 403)),
                new Endpoint("GET", "/api/v1/notifications", expect(401, 200, 200, 200, 200, 403, 403)),
                new Endpoint("DELETE", "/api/v1/webhooks/{webhook}", expect(401, 404, 404, 404, 204, 403, 403)),
                new Endpoint("GET", "/actuator/health", expect(200, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET", "/actuator/prometheus", expect(operatorOnly)),
                // last: a replay rebuilds a read model
                new Endpoint("POST", "/api/v1/operator/processors/compliance/replay", expect(401, 403, 403, 403, 403, 403, 202)));
    }

    private static Map<Who, Integer> expect(int[] s) {
        return expect(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    }

    private HttpResponse<String> call(String method, String path, String token) {
        return call(method, path, token, null);
    }

    private HttpResponse<String> call(String method, String path, String token, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                                     .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                             : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String resolve(String path, String consentId, String linkId) {
        return resolve(path, consentId, linkId, webhook);
    }

    private String resolve(String path, String consentId, String linkId, String webhookId) {
        return path.replace("{consent}", consentId).replace("{customer}", customer).replace("{link}", linkId)
                   .replace("{webhook}", webhookId).replace("{delivery}", delivery)
                   .replace("{shareEvent}", consentId.equals(consent) ? shareEvent : consentId)
                   .replace("{share}", Long.toString(sharePosition))
                   .replace("{next}", Long.toString(sharePosition + 1));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointByEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Who who : Who.values()) {
                int expected = endpoint.expected().get(who);
                tests.add(DynamicTest.dynamicTest(endpoint.name() + " as " + who + " -> " + expected, () -> {
                    String token = who.token();
                    HttpResponse<String> response = call(endpoint.method(), resolve(endpoint.path(), consent, link), token);
                    TABLE.computeIfAbsent(endpoint.name(), n -> new EnumMap<>(Who.class)).put(who, Integer.toString(response.statusCode()));
                    assertThat(response.statusCode()).as(endpoint.name() + " as " + who + ": " + response.body()).isEqualTo(expected);
                    String body = response.body();
                    if (expected >= 400) {
                        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                        assertThat(body).doesNotContain("Exception", "at io.", "at org.");
                    }
                    if (expected == 401) {
                        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
                        assertThat(json.readTree(body).get("type").asText()).endsWith("/problems/unauthenticated");
                    }
                    if (expected == 403) {
                        assertThat(json.readTree(body).get("type").asText()).endsWith("/problems/forbidden");
                    }
                    if (who.wrongParty() && expected == 200) {
                        assertThat(body).as("another party's rows").doesNotContain(consent).doesNotContain(webhook);
                    }
                    if (expected == 200 && !who.wrongParty() && (endpoint.path().contains("{customer}")
                            || endpoint.path().contains("/audit/access")) && !endpoint.path().contains("recipients")
                            && !endpoint.path().endsWith("/receipt")) { // a receipt is a proof, not rows
                        assertThat(body).as("the caller's own rows").contains(consent);
                    }
                    if (expected == 404) {
                        String unknownConsent = "nope-" + UUID.randomUUID().toString().substring(0, 8);
                        String unknownLink = "nope-" + UUID.randomUUID().toString().substring(0, 8);
                        String unknownWebhook = "wh_nope" + UUID.randomUUID().toString().substring(0, 8);
                        HttpResponse<String> unknown = call(endpoint.method(),
                                resolve(endpoint.path(), unknownConsent, unknownLink, unknownWebhook), token);
                        assertThat(unknown.statusCode()).isEqualTo(404);
                        JsonNode mine = json.readTree(body);
                        JsonNode theirs = json.readTree(unknown.body());
                        assertThat(mine.get("type")).isEqualTo(theirs.get("type"));
                        assertThat(mine.get("detail").asText().replace(consent, "{id}").replace(link, "{id}")
                                       .replace(webhook, "{id}"))
                                .isEqualTo(theirs.get("detail").asText().replace(unknownConsent, "{id}")
                                                 .replace(unknownLink, "{id}").replace(unknownWebhook, "{id}"));
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void auditorsQueriesAreRecordedWithWhoWhatAndWhen() {
        String marker = "cust-audited-" + UUID.randomUUID().toString().substring(0, 8);
        String auditor = Who.AUDITOR.token();
        assertThat(call("GET", "/api/v1/audit/access?customerId=" + marker + "&purpose=FRAUD_ALERTS", auditor).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/audit/compliance", Who.RIGHT_RECIPIENT.token()).statusCode()).isEqualTo(403);
        JsonNode page = json.readTree(call("GET", "/api/v1/audit/auditor-queries?limit=200", auditor).body());
        JsonNode entry = null;
        for (JsonNode e : page.get("entries")) {
            if (e.toString().contains(marker)) {
                entry = e;
            }
        }
        assertThat(entry).as("the auditor's query is recorded").isNotNull();
        assertThat(entry.get("principal").asText()).isEqualTo("alice-auditor");
        assertThat(entry.get("party").asText()).isEqualTo("AUDITOR");
        assertThat(entry.get("path").asText()).isEqualTo("/api/v1/audit/access");
        assertThat(entry.get("parameters").get("purpose").get(0).asText()).isEqualTo("FRAUD_ALERTS");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("resultCount").asLong()).isZero();
        assertThat(entry.get("at").asText()).isNotBlank();
        assertThat(page.toString()).as("a refused audit call by a recipient is recorded too")
                                   .contains("\"party\":\"RECIPIENT:messenger\"");
        String operatorView = call("GET", "/api/v1/audit/auditor-queries?limit=200", Who.OPERATOR.token()).body();
        assertThat(operatorView).as("the operator sees no business ids").doesNotContain(marker)
                                .contains("\"route\":\"/api/v1/audit/access\"");
        assertThat(call("GET", "/api/v1/audit/auditor-queries?limit=0", auditor).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/v1/audit/auditor-queries?limit=201", auditor).statusCode()).isEqualTo(400);
    }

    @AfterAll
    void printTable() {
        StringBuilder table = new StringBuilder("\nQuery side authorisation matrix (status per caller)\n");
        table.append(String.format("%-62s", "endpoint"));
        for (Who who : Who.values()) {
            table.append(String.format("%-19s", who));
        }
        TABLE.forEach((endpoint, row) -> {
            table.append('\n').append(String.format("%-62s", endpoint));
            for (Who who : Who.values()) {
                table.append(String.format("%-19s", row.getOrDefault(who, "-")));
            }
        });
        System.out.println(table);
    }
}
