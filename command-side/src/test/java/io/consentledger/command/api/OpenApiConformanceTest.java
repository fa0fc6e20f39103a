package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 8: the running command API against its own OpenAPI document ({@code /v3/api-docs}). Every
 * operation is exercised (success, bad and unreadable bodies, no or the wrong credential, unknown ids, domain
 * refusals, idempotency keys, oversized bodies, wrong media types), and every status and problem type seen must be
 * declared for that operation; the document must name its security schemes, the {@code Idempotency-Key} header and
 * the required fields of every request body.
 */
class OpenApiConformanceTest extends HttpTestSupport {

    private static final String PROBLEM = "application/problem+json";

    private record Seen(String operation, int status, String problemType, String raw) {
    }

    private final List<Seen> seen = new ArrayList<>();

    @org.springframework.beans.factory.annotation.Autowired
    io.consentledger.command.customer.CustomerDirectory customers;

    private Response hit(String template, String path, String body, String... headers) {
        return record(template, post(path, body, headers));
    }

    private Response raw(String template, String path, String contentType, String accept, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                                 .header("Content-Type", contentType)
                                                 .header("Authorization", "ApiKey " + BANK_1)
                                                 .POST(HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return record(template, send(request.build()));
    }

    private Response record(String template, Response response) {
        String type = response.contentType().startsWith(PROBLEM) ? response.text("type") : null;
        seen.add(new Seen("post " + template, response.status(), type, response.raw()));
        return response;
    }

    /** What every operation is sent besides its own scenarios. */
    private void abuse(String template, String path, String validBody) {
        hit(template, path, "{");
        hit(template, path, "{}");
        hit(template, path, "{\"unknown\": 1}");
        hit(template, path, validBody, "X-Anonymous", "yes");
        hit(template, path, validBody, "Authorization", "ApiKey not-a-key");
        hit(template, path, validBody, as(OPERATOR));
        hit(template, path, validBody, "Idempotency-Key", "x".repeat(300));
        raw(template, path, "text/plain", null, validBody);
        raw(template, path, "application/json", "text/html", validBody);
        // over the limit (256 KiB) but within what the server drains after its 413 (UnreadBodyValve): the client,
        // still writing when the answer comes, must read it, not a reset (OversizedBodyHttpTest)
        Response tooLarge = raw(template, path, "application/json", null, "{\"a\": \"" + "x".repeat(300 * 1024) + "\"}");
        assertThat(tooLarge.status()).as(template + ": " + tooLarge.raw()).isEqualTo(413);
        assertThat(tooLarge.contentType()).startsWith(PROBLEM);
        assertThat(tooLarge.text("type")).endsWith("/payload-too-large");
    }

    private String requested(String linkId, String frequency) {
        String consentId = id("consent");
        assertThat(post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\", \"TRANSACTIONS\"]",
                "[\"FRAUD_ALERTS\"]", frequency)).status()).isEqualTo(201);
        return consentId;
    }

    private void exerciseEveryOperation() {
        // POST /links
        String links = "/api/v1/links";
        String linkId = id("link");
        hit(links, links, linkJson(linkId, "cust-1", "EUR"));
        hit(links, links, linkJson(linkId, "cust-1", "EUR"));
        hit(links, links, linkJson(id("link"), "cust-1", "EUR"), "Idempotency-Key", "k-" + linkId);
        hit(links, links, linkJson(id("link"), "cust-1", "EUR"), "Idempotency-Key", "k-" + linkId);
        hit(links, links, linkJson(id("link"), "cust-1", "EUR").replace("\"bank-1\"", "\"bank-2\""));
        hit(links, links, linkJson("..", "cust-1", "EUR"));
        abuse(links, links, linkJson(id("link"), "cust-1", "EUR"));

        // POST /links/{linkId}/unlink
        String unlink = "/api/v1/links/{linkId}/unlink";
        String toUnlink = link(id("cust"));
        hit(unlink, "/api/v1/links/" + toUnlink + "/unlink", "{\"initiator\": \"CUSTOMER\"}");
        hit(unlink, "/api/v1/links/" + toUnlink + "/unlink", "");
        hit(unlink, "/api/v1/links/nope-" + id("x") + "/unlink", "");
        hit(unlink, "/api/v1/links/" + link(id("cust")) + "/unlink", "{\"initiator\": \"SYSTEM\"}");
        abuse(unlink, "/api/v1/links/" + link(id("cust")) + "/unlink", "{\"initiator\": \"PROVIDER\"}");

        // POST /customers/{customerId}/erasure (issue 16)
        String erasure = "/api/v1/customers/{customerId}/erasure";
        String toErase = id("cust");
        link(toErase);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> customers.find("bank-1/" + toErase).isPresent());
        hit(erasure, "/api/v1/customers/" + toErase + "/erasure", "");
        hit(erasure, "/api/v1/customers/" + toErase + "/erasure", "");
        hit(erasure, "/api/v1/customers/nope-" + id("x") + "/erasure", "");
        hit(erasure, "/api/v1/customers/" + toErase + "/erasure", "", as(MESSENGER));
        abuse(erasure, "/api/v1/customers/" + toErase + "/erasure", "");

        // POST /consents
        String consents = "/api/v1/consents";
        String base = link(id("cust"));
        String consentId = id("consent");
        String consent = consentJson(consentId, base, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}");
        hit(consents, consents, consent);
        hit(consents, consents, consent);
        hit(consents, consents, consentJson(id("c"), base, "[\"BALANCES\"]", "[\"ADVERTISING\"]", "{\"oneOff\": true}"));
        hit(consents, consents, consentJson(id("c"), "nope-" + id("x"), "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}"));
        hit(consents, consents, consentJson(id("c"), base, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")
                .replaceFirst("\"expiresAt\": \"[^\"]+\"", "\"expiresAt\": \"" + clock.instant().minusSeconds(1) + "\""));
        hit(consents, consents, consentJson(id("c"), base, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")
                .replaceFirst("\"expiresAt\": \"[^\"]+\"", "\"expiresAt\": \"" + clock.instant().plus(400, ChronoUnit.DAYS) + "\""));
        hit(consents, consents, consent.replace("\"messenger\"", "\"voice-assistant\""), as(MESSENGER));
        abuse(consents, consents, consentJson(id("c"), base, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}"));

        // POST /consents/{consentId}/authorise, reject, reauthorise, revoke
        for (String action : List.of("authorise", "reject", "revoke", "reauthorise")) {
            String template = "/api/v1/consents/{consentId}/" + action;
            String body = switch (action) {
                case "authorise" -> evidenceJson();
                case "reject" -> "{\"initiator\": \"CUSTOMER\"}";
                case "revoke" -> "{\"reason\": \"CUSTOMER_REQUEST\", \"initiator\": \"CUSTOMER\"}";
                default -> evidenceJson().replace("{\"evidence\"", "{\"expiresAt\": \""
                        + clock.instant().plus(100, ChronoUnit.DAYS) + "\", \"evidence\"");
            };
            String awaiting = requested(link(id("cust")), "{\"maxPerDay\": 4}");
            String[] authorised = authorisedConsent("{\"maxPerDay\": 4}");
            String target = action.equals("authorise") || action.equals("reject") ? awaiting : authorised[1];
            String other = target.equals(awaiting) ? authorised[1] : awaiting;
            hit(template, "/api/v1/consents/" + target + "/" + action, body);
            hit(template, "/api/v1/consents/" + target + "/" + action, body);
            hit(template, "/api/v1/consents/" + other + "/" + action, body);
            hit(template, "/api/v1/consents/nope-" + id("x") + "/" + action, body);
            hit(template, "/api/v1/consents/" + target + "/" + action, body, as(BANK_2));
            abuse(template, "/api/v1/consents/" + requested(link(id("cust")), "{\"maxPerDay\": 4}") + "/" + action, body);
        }
        String revoke = "/api/v1/consents/{consentId}/revoke";
        hit(revoke, "/api/v1/consents/" + authorisedConsent("{\"maxPerDay\": 4}")[1] + "/revoke",
                "{\"reason\": \"ACCOUNT_UNLINKED\", \"initiator\": \"CUSTOMER\"}");
        String[] expiring = authorisedConsent("{\"maxPerDay\": 4}");
        clock.advance(java.time.Duration.ofDays(91));
        hit(revoke, "/api/v1/consents/" + expiring[1] + "/revoke", "{\"reason\": \"CUSTOMER_REQUEST\", \"initiator\": \"CUSTOMER\"}");
        hit("/api/v1/consents/{consentId}/reauthorise", "/api/v1/consents/" + expiring[1] + "/reauthorise", evidenceJson()
                .replace("{\"evidence\"", "{\"expiresAt\": \"" + clock.instant().plus(100, ChronoUnit.DAYS) + "\", \"evidence\""));
        clock.set(java.time.Instant.now().truncatedTo(ChronoUnit.MILLIS));

        // POST /consents/{consentId}/shares/balance
        String balance = "/api/v1/consents/{consentId}/shares/balance";
        String[] once = authorisedConsent("{\"oneOff\": true}");
        String onceBalance = "/api/v1/consents/" + once[1] + "/shares/balance";
        hit(balance, onceBalance, balanceJson(once[0], "12.50", "GBP"));
        hit(balance, onceBalance, balanceJson(once[0], "12.50", "EUR"));
        hit(balance, onceBalance, balanceJson(once[0], "12.50", "EUR"));
        hit(balance, onceBalance, balanceJson(link(id("cust")), "12.50", "EUR"));
        hit(balance, onceBalance, balanceJson(once[0], "1E+1000000", "EUR"));
        hit(balance, "/api/v1/consents/" + requested(link(id("cust")), "{\"oneOff\": true}") + "/shares/balance",
                balanceJson(once[0], "1", "EUR"));
        hit(balance, "/api/v1/consents/nope-" + id("x") + "/shares/balance", balanceJson(once[0], "1", "EUR"));
        String[] daily = authorisedConsent("{\"maxPerDay\": 1}");
        hit(balance, "/api/v1/consents/" + daily[1] + "/shares/balance", balanceJson(daily[0], "1", "EUR"));
        hit(balance, "/api/v1/consents/" + daily[1] + "/shares/balance", balanceJson(daily[0], "1", "EUR"));
        hit(balance, "/api/v1/consents/" + daily[1] + "/shares/balance",
                balanceJson(daily[0], "1", "EUR").replace("FRAUD_ALERTS", "PAYMENTS"));
        // a share id recorded, sent again with another amount: 409 already-exists
        String[] again = authorisedConsent("{\"maxPerDay\": 4}");
        String sameShare = "{\"shareId\": \"" + id("share") + "\", " + balanceJson(again[0], "1", "EUR").strip().substring(1);
        hit(balance, "/api/v1/consents/" + again[1] + "/shares/balance", sameShare);
        hit(balance, "/api/v1/consents/" + again[1] + "/shares/balance", sameShare.replace("\"amount\": 1,", "\"amount\": 2,"));
        abuse(balance, "/api/v1/consents/" + authorisedConsent("{\"maxPerDay\": 4}")[1] + "/shares/balance",
                balanceJson(once[0], "1", "EUR"));

        // POST /consents/{consentId}/shares/transactions
        String transactions = "/api/v1/consents/{consentId}/shares/transactions";
        String[] shared = authorisedConsent("{\"maxPerDay\": 4}");
        String path = "/api/v1/consents/" + shared[1] + "/shares/transactions";
        String tx = """
                {"linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [{"transactionId": "t-1", "bookedAt": "%s",
                 "amount": -1.50, "currency": "EUR", "description": "coffee", "channel": "card"}]}
                """;
        hit(transactions, path, tx.formatted(shared[0], clock.instant().minusSeconds(60)));
        hit(transactions, path, tx.formatted(shared[0], clock.instant().minus(200, ChronoUnit.DAYS)));
        hit(transactions, path, tx.formatted(shared[0], clock.instant().plus(2, ChronoUnit.DAYS)));
        hit(transactions, "/api/v1/consents/nope-" + id("x") + "/shares/transactions", tx.formatted(shared[0], clock.instant()));
        abuse(transactions, path, tx.formatted(shared[0], clock.instant().minusSeconds(60)));
    }

    @Test
    void everyAnswerOfTheRunningApiIsInItsOwnDocument() {
        Response docs = get("/v3/api-docs", as(AUDITOR));
        assertThat(docs.status()).as(docs.raw()).isEqualTo(200);
        JsonNode doc = docs.json();

        exerciseEveryOperation();

        List<String> undeclared = new ArrayList<>();
        Set<String> succeeded = new LinkedHashSet<>();
        for (Seen s : seen) {
            String[] methodAndPath = s.operation().split(" ", 2);
            JsonNode operation = doc.path("paths").path(methodAndPath[1]).path(methodAndPath[0]);
            assertThat(operation.isMissingNode()).as("documented: " + s.operation()).isFalse();
            assertThat(s.status()).as(s.operation() + " answered a 5xx: " + s.raw()).isLessThan(500);
            JsonNode response = operation.path("responses").path(String.valueOf(s.status()));
            if (response.isMissingNode()) {
                undeclared.add(s.operation() + " -> " + s.status() + " " + s.raw());
                continue;
            }
            if (s.status() < 300) {
                succeeded.add(s.operation());
                continue;
            }
            assertThat(s.problemType()).as(s.operation() + " -> " + s.status() + " is a problem: " + s.raw()).isNotNull();
            assertThat(response.path("content").has(PROBLEM)).as(s.operation() + " -> " + s.status() + " as a problem").isTrue();
            // every answer, Spring MVC's and Tomcat's own 406/415 included (LedgerProblemHandler,
            // ProblemErrorReportValve), is a problem with a declared type
            assertThat(s.problemType()).as(s.operation() + " -> " + s.status() + " has a problem type: " + s.raw()).isNotEmpty();
            String slug = s.problemType().substring(s.problemType().lastIndexOf('/') + 1);
            List<String> declared = StreamSupport.stream(response.path("x-problem-types").spliterator(), false)
                                                 .map(JsonNode::asString).toList();
            if (!declared.contains(slug)) {
                undeclared.add(s.operation() + " -> " + s.status() + " " + slug + " " + s.raw());
            }
        }
        assertThat(undeclared).as("answers the document does not declare").isEmpty();

        List<String> operations = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(method -> operations.add(method.getKey() + " " + path.getKey())));
        assertThat(operations).as("operations").isNotEmpty();
        assertThat(succeeded).as("every documented operation was exercised to success").containsExactlyInAnyOrderElementsOf(operations);
    }

    @Test
    void theDocumentNamesSecurityHeadersAndRequiredFields() {
        JsonNode doc = get("/v3/api-docs", as(AUDITOR)).json();
        assertThat(doc.path("components").path("securitySchemes").properties()).isNotEmpty();
        assertThat(doc.path("security").isEmpty()).as("a global security requirement").isFalse();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            JsonNode operation = method.getValue();
            String name = method.getKey() + " " + path.getKey();
            List<String> headers = StreamSupport.stream(operation.path("parameters").spliterator(), false)
                    .filter(p -> p.path("in").asString().equals("header")).map(p -> p.path("name").asString()).toList();
            assertThat(headers).as(name).contains("Idempotency-Key", "X-Correlation-Id");
            String success = path.getKey().endsWith("/links") || path.getKey().endsWith("/consents")
                    || path.getKey().contains("/shares/") ? "201" : path.getKey().endsWith("/erasure") ? "202" : "200";
            assertThat(operation.path("responses").has(success)).as(name + " answers " + success).isTrue();
            assertThat(operation.path("responses").has("200") && !success.equals("200")).as(name + " never 200").isFalse();
            JsonNode schemaRef = operation.path("requestBody").path("content").path("application/json").path("schema").path("$ref");
            if (!schemaRef.isMissingNode()) {
                String schema = schemaRef.asString().substring(schemaRef.asString().lastIndexOf('/') + 1);
                if (!schema.equals("Unlink")) {
                    assertThat(doc.path("components").path("schemas").path(schema).path("required").isEmpty())
                            .as(name + ": required fields of " + schema).isFalse();
                }
            }
        }));
    }
}
