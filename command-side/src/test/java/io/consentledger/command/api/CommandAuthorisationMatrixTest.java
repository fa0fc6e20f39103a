package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.security.testing.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side's authorisation matrix, with real JWTs: every endpoint by every kind of caller. Each cell gets
 * fresh objects (a link of bank-1, a consent of messenger on it) so that one cell's success cannot change another's
 * answer. Every 404 is compared with the answer for an unknown id (same status, type and detail); every refusal
 * must leave the event store as it was.
 */
class CommandAuthorisationMatrixTest extends HttpTestSupport {

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

        String[] headers() {
            String token = switch (this) {
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
            return token == null ? new String[]{"X-Anonymous", "true"} : new String[]{"Authorization", "Bearer " + token};
        }

        boolean recipient() {
            return this == WRONG_RECIPIENT || this == RIGHT_RECIPIENT;
        }
    }

    /** One endpoint: how to call it on fresh objects (or on unknown ids), and the expected status per caller. */
    record Endpoint(String name, Function<Cell, Response> call, Map<Who, Integer> expected) {
    }

    /** A cell's objects: a link of bank-1 and a consent of messenger on it, in the state the endpoint needs. */
    record Cell(Who who, String linkId, String consentId) {
    }

    private static Map<Who, Integer> expect(int anonymous, int wrongProvider, int rightProvider, int wrongRecipient,
                                            int rightRecipient, int auditor, int operator) {
        Map<Who, Integer> expected = new java.util.EnumMap<>(Who.class);
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

    private String revokeBody(Who who) {
        return "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"" + (who.recipient() ? "RECIPIENT" : "PROVIDER") + "\"}";
    }

    private List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("POST /api/v1/links", c -> post("/api/v1/links", linkJson(id("link"), "cust-m", "EUR"), c.who().headers()),
                             expect(401, 403, 201, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/links/{id}/unlink", c -> post("/api/v1/links/" + c.linkId() + "/unlink",
                                                                         "{\"initiator\":\"PROVIDER\"}", c.who().headers()),
                             expect(401, 404, 200, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/consents", c -> post("/api/v1/consents", consentJson(id("consent"), c.linkId(),
                                     "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"maxPerDay\":4}"), c.who().headers()),
                             expect(401, 403, 403, 403, 201, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/authorise", c -> post("/api/v1/consents/" + c.consentId() + "/authorise",
                                                                               evidenceJson(), c.who().headers()),
                             expect(401, 404, 200, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/reject", c -> post("/api/v1/consents/" + c.consentId() + "/reject",
                                                                            "{\"initiator\":\"CUSTOMER\"}", c.who().headers()),
                             expect(401, 404, 200, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/revoke", c -> post("/api/v1/consents/" + c.consentId() + "/revoke",
                                                                            revokeBody(c.who()), c.who().headers()),
                             expect(401, 404, 200, 404, 200, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/reauthorise", c -> post("/api/v1/consents/" + c.consentId() + "/reauthorise",
                                     "{\"expiresAt\":\"" + clock.instant().plus(Duration.ofDays(200)) + "\","
                                             + evidenceJson().trim().substring(1), c.who().headers()),
                             expect(401, 404, 200, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/shares/balance", c -> post("/api/v1/consents/" + c.consentId() + "/shares/balance",
                                                                                    balanceJson(c.linkId(), "10.50", "EUR"), c.who().headers()),
                             expect(401, 404, 201, 403, 403, 403, 403)),
                new Endpoint("POST /api/v1/consents/{id}/shares/transactions", c -> post("/api/v1/consents/" + c.consentId()
                                     + "/shares/transactions", """
                                     {"linkId":"%s","purpose":"FRAUD_ALERTS","transactions":[{"transactionId":"t-1",
                                      "bookedAt":"%s","amount":-5.00,"currency":"EUR","description":"groceries",
                                      "merchant":"Shop","channel":"card"}]}""".formatted(c.linkId(), clock.instant().minusSeconds(3600)),
                                     c.who().headers()),
                             expect(401, 404, 201, 403, 403, 403, 403)),
                // issue 16: bank-1's customer of the cell; bank-2 names a customer it does not have (404 as unknown)
                new Endpoint("POST /api/v1/customers/{id}/erasure", c -> post("/api/v1/customers/" + customerOf(c) + "/erasure",
                                                                              "", c.who().headers()),
                             expect(401, 404, 202, 403, 403, 403, 403)),
                new Endpoint("GET /actuator/health", c -> get("/actuator/health", c.who().headers()),
                             expect(200, 200, 200, 200, 200, 200, 200)),
                new Endpoint("GET /actuator/prometheus", c -> get("/actuator/prometheus", c.who().headers()),
                             expect(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("GET /v3/api-docs", c -> get("/v3/api-docs", c.who().headers()),
                             expect(401, 200, 200, 200, 200, 200, 200)));
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.consentledger.command.customer.CustomerDirectory customers;

    /**
     * The cell's customer, once the customer directory knows it (the erasure endpoint looks it up there); a cell of
     * unknown ids gets an unknown customer.
     */
    private String customerOf(Cell cell) {
        if (cell.linkId().startsWith("nope-")) {
            return "nope-" + id("cust");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> customers.subjectOf(cell.linkId()).isPresent());
        return customers.subjectOf(cell.linkId()).orElseThrow().substring("bank-1/".length());
    }

    private Cell freshCell(Who who, String endpoint) {
        String[] bank1 = {"Authorization", "Bearer " + ISSUER.token("svc-bank-1", "PROVIDER", "bank-1")};
        String[] messenger = {"Authorization", "Bearer " + ISSUER.token("svc-messenger", "RECIPIENT", "messenger")};
        String linkId = id("link");
        assertThat(post("/api/v1/links", linkJson(linkId, id("cust"), "EUR"), bank1).status()).isEqualTo(201);
        String consentId = id("consent");
        assertThat(post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\",\"TRANSACTIONS\"]",
                "[\"FRAUD_ALERTS\"]", "{\"maxPerDay\":4}"), messenger).status()).isEqualTo(201);
        if (!endpoint.endsWith("/authorise") && !endpoint.endsWith("/reject")) {
            assertThat(post("/api/v1/consents/" + consentId + "/authorise", evidenceJson(), bank1).status()).isEqualTo(200);
        }
        return new Cell(who, linkId, consentId);
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointByEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Who who : Who.values()) {
                int expected = endpoint.expected().get(who);
                tests.add(DynamicTest.dynamicTest(endpoint.name() + " as " + who + " -> " + expected, () -> {
                    Cell cell = freshCell(who, endpoint.name());
                    long before = eventCount();
                    Response response = endpoint.call().apply(cell);
                    if (response.status() == 200 && endpoint.name().endsWith("/unlink")) {
                        // let the propagated revocation land before the next cell counts events
                        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(cell.consentId())
                                .stream().anyMatch(e -> e instanceof io.consentledger.contracts.consent.ConsentRevoked));
                    }
                    TABLE.computeIfAbsent(endpoint.name(), n -> new java.util.EnumMap<>(Who.class)).put(who, Integer.toString(response.status()));
                    assertThat(response.status()).as(endpoint.name() + " as " + who + ": " + response.raw()).isEqualTo(expected);
                    if (expected >= 400) {
                        assertThat(response.contentType()).startsWith("application/problem+json");
                        assertThat(response.raw()).doesNotContain("Exception", "at io.", "at org.");
                        assertThat(eventCount()).as("a refused request appends nothing").isEqualTo(before);
                    }
                    if (expected == 401) {
                        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
                        assertThat(response.text("type")).isEqualTo("https://consent-ledger.dev/problems/unauthenticated");
                    }
                    if (expected == 403) {
                        assertThat(response.text("type")).isEqualTo("https://consent-ledger.dev/problems/forbidden");
                    }
                    if (expected == 404) {
                        Response unknown = endpoint.call().apply(new Cell(who, id("nope"), id("nope")));
                        assertThat(unknown.status()).isEqualTo(404);
                        assertThat(response.text("type")).isEqualTo(unknown.text("type"));
                        assertThat(response.text("detail")).isEqualTo(unknown.text("detail"));
                    }
                }));
            }
        }
        return tests.stream();
    }

    private long eventCount() {
        Long head = headPosition();
        return head == null ? -1 : head;
    }

    @AfterAll
    static void printTable() {
        StringBuilder table = new StringBuilder("\nCommand side authorisation matrix (status per caller)\n");
        table.append(String.format("%-48s", "endpoint"));
        for (Who who : Who.values()) {
            table.append(String.format("%-19s", who));
        }
        TABLE.forEach((endpoint, row) -> {
            table.append('\n').append(String.format("%-48s", endpoint));
            for (Who who : Who.values()) {
                table.append(String.format("%-19s", row.getOrDefault(who, "-")));
            }
        });
        System.out.println(table);
    }
}
