package io.consentledger.query;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The query side's OpenAPI document and Swagger UI: for any authenticated caller, as on the command side. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class QueryApiDocsTest extends HttpTestSupport {

    @Test
    void publishesTheDocumentToAnyAuthenticatedCallerOnly() {
        Response anonymous = get("/v3/api-docs", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        for (String caller : List.of(AUDITOR, OPERATOR, BANK_1, MESSENGER)) {
            assertThat(get("/v3/api-docs", caller).status()).as(caller).isEqualTo(200);
        }
        assertThat(get("/swagger-ui/index.html", MESSENGER).status()).isEqualTo(200);
        assertThat(get("/swagger-ui/index.html", null).status()).isEqualTo(401);
    }

    @Test
    void describesEveryAuditEndpointWithItsFiltersAndSecuritySchemes() {
        JsonNode docs = get("/v3/api-docs", AUDITOR).json();
        assertThat(docs.get("paths").propertyNames())
                .contains("/api/v1/audit/access", "/api/v1/audit/access/export", "/api/v1/consents/{consentId}",
                          "/api/v1/customers/{customerId}/consents", "/api/v1/audit/compliance",
                          "/api/v1/audit/customers/{customerId}/recipients", "/api/v1/audit/events",
                          "/api/v1/audit/auditor-queries", "/api/v1/links/{linkId}/balance",
                          "/api/v1/log/checkpoint", "/api/v1/log/key", "/api/v1/audit/access/{eventId}/receipt",
                          "/api/v1/webhooks", "/api/v1/notifications");
        List<String> filters = new ArrayList<>();
        docs.get("paths").get("/api/v1/audit/access").get("get").get("parameters")
            .forEach(p -> filters.add(p.get("name").asText()));
        assertThat(filters).containsExactlyInAnyOrder("customerId", "linkId", "recipientId", "providerId", "consentId",
                                                      "purpose", "scope", "from", "to", "asOf", "asOfSize", "order",
                                                      "cursor", "limit");
        JsonNode schemes = docs.get("components").get("securitySchemes");
        assertThat(schemes.get("apiKey").get("in").asText()).isEqualTo("header");
        assertThat(schemes.get("apiKey").get("name").asText()).isEqualTo("X-Api-Key");
        assertThat(schemes.get("bearer").get("scheme").asText()).isEqualTo("bearer");
        assertThat(docs.get("security").toString()).contains("apiKey", "bearer");
    }

    @Test
    void listsTheProblemTypesWithExamples() {
        JsonNode docs = get("/v3/api-docs", AUDITOR).json();
        assertThat(docs.get("components").get("schemas").get("Problem").get("properties").propertyNames())
                .contains("type", "title", "status", "detail", "code");
        JsonNode consent = docs.get("paths").get("/api/v1/consents/{consentId}").get("get").get("responses");
        assertThat(consent.propertyNames()).contains("200", "400", "401", "403", "404", "429", "500");
        JsonNode notFound = consent.get("404").get("content").get("application/problem+json").get("examples")
                                   .get("not-found").get("value");
        assertThat(notFound.get("type").asText()).isEqualTo("https://consent-ledger.dev/problems/not-found");
        assertThat(notFound.get("code").asText()).isEqualTo("NOT_FOUND");
        // the example is what the API really answers
        Response real = get("/api/v1/consents/no-such-" + id, AUDITOR);
        assertThat(real.status()).isEqualTo(404);
        assertThat(real.json().get("type").asText()).isEqualTo(notFound.get("type").asText());
        assertThat(real.json().get("code").asText()).isEqualTo(notFound.get("code").asText());
        JsonNode access = docs.get("paths").get("/api/v1/audit/access").get("get").get("responses");
        assertThat(access.get("400").get("content").get("application/problem+json").get("examples")
                         .get("invalid-request").get("value").get("code").asText()).isEqualTo("INVALID_REQUEST");
        // a point in time that names no signed checkpoint: the only 404 of a path without an id
        assertThat(access.get("404").get("content").get("application/problem+json").get("examples").propertyNames())
                .containsExactly("checkpoint-not-found");
        Response none = get("/api/v1/audit/access?asOf=2000-01-01T00:00:00Z", AUDITOR);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("code").asText()).isEqualTo("CHECKPOINT_NOT_FOUND");
        assertThat(docs.get("paths").get("/api/v1/consents/{consentId}").get("get").get("responses").get("404")
                       .get("content").get("application/problem+json").get("examples").propertyNames())
                .contains("not-found", "checkpoint-not-found");
    }
}
