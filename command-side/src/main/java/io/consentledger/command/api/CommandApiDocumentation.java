package io.consentledger.command.api;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Money;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.share.ShareTransactions;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command API's OpenAPI document is complete (issue 14, finding 8): each operation lists its success status
 * (201 for what creates), every error status it can answer as an RFC 9457 problem with the problem types it can
 * carry (extension {@code x-problem-types}), its headers ({@code Idempotency-Key}, {@code X-Correlation-Id};
 * {@code Location}, {@code Idempotency-Replayed}, {@code Retry-After}, {@code WWW-Authenticate} in answers), the
 * security schemes, and the required fields and bounds of every request body. {@code OpenApiConformanceTest} checks
 * the running API against it.
 */
@Configuration(proxyBeanMethods = false)
public class CommandApiDocumentation {

    static final String PROBLEM_TYPES = "x-problem-types";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";

    private static final List<String> CONSENT_TERMINAL = List.of("consent-rejected", "consent-revoked", "consent-expired");
    private static final List<String> SHARE_409 = concat(CONSENT_TERMINAL, List.of("consent-not-authorised",
            "link-not-in-consent", "link-unlinked", "purpose-not-granted", "scope-not-granted", "currency-mismatch",
            "already-exists", "customer-erased"));

    /** Per operation (path suffix): the success status and the refusals of its own rules, by status. */
    private record Answers(int success, Map<Integer, List<String>> refusals) {
    }

    private static final Map<String, Answers> OPERATIONS = Map.of(
            "/api/v1/links", new Answers(201, Map.of(409, List.of("already-exists", "customer-erased"))),
            "/api/v1/links/{linkId}/unlink", new Answers(200, Map.of(404, List.of("link-unknown"), 409, List.of("link-unlinked"))),
            "/api/v1/consents", new Answers(201, Map.of(404, List.of("link-unknown"),
                    409, List.of("already-exists", "prohibited-purpose", "expiry-in-past", "expiry-too-far", "customer-erased"))),
            "/api/v1/consents/{consentId}/authorise", new Answers(200, Map.of(404, List.of("consent-unknown"),
                    409, concat(CONSENT_TERMINAL, List.of("consent-not-awaiting-authorisation", "expiry-in-past",
                            "expiry-too-far", "link-unlinked", "customer-erased")))),
            "/api/v1/consents/{consentId}/reject", new Answers(200, Map.of(404, List.of("consent-unknown"),
                    409, concat(CONSENT_TERMINAL, List.of("consent-not-awaiting-authorisation")))),
            "/api/v1/consents/{consentId}/revoke", new Answers(200, Map.of(404, List.of("consent-unknown"), 409, CONSENT_TERMINAL)),
            "/api/v1/consents/{consentId}/reauthorise", new Answers(200, Map.of(404, List.of("consent-unknown"),
                    409, concat(CONSENT_TERMINAL, List.of("consent-not-authorised", "expiry-in-past", "expiry-too-far",
                            "customer-erased")))),
            "/api/v1/consents/{consentId}/shares/balance", new Answers(201, Map.of(404, List.of("consent-unknown"),
                    409, SHARE_409, 429, List.of("frequency-exceeded", "one-off-already-used"))),
            "/api/v1/consents/{consentId}/shares/transactions", new Answers(201, Map.of(404, List.of("consent-unknown"),
                    409, concat(SHARE_409, List.of("transaction-not-via-recipient", "outside-transaction-window")),
                    429, List.of("frequency-exceeded", "one-off-already-used"))),
            // issue 16: 202 whether erased at once or pending until the retention ends (the body says which)
            "/api/v1/customers/{customerId}/erasure", new Answers(202, Map.of(404, List.of("customer-unknown"))));

    /** What every command operation can answer, whatever its rules. */
    private static final Map<Integer, List<String>> COMMON = Map.of(
            400, List.of("malformed-request", "invalid-request", "invalid-idempotency-key"),
            401, List.of("unauthenticated"),
            403, List.of("forbidden"),
            406, List.of("not-acceptable"),
            409, List.of("concurrent-modification", "idempotency-key-in-flight"),
            411, List.of("length-required"),
            413, List.of("payload-too-large"),
            415, List.of("unsupported-media-type"),
            422, List.of("idempotency-key-reused"),
            429, List.of("rate-limited"));

    /** Required fields of the request bodies ({@link ApiBodies}); the others are optional. */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("LinkAccount", List.of("customerId", "accountId", "currency", "evidence")),
            Map.entry("Evidence", List.of("channel", "authorisedAt", "disclosureVersion")),
            Map.entry("RequestConsentBody", List.of("linkIds", "scopes", "purposes", "expiresAt", "window", "frequency")),
            Map.entry("Authorise", List.of("evidence")),
            Map.entry("Reject", List.of("initiator")),
            Map.entry("Revoke", List.of("reason", "initiator")),
            Map.entry("Reauthorise", List.of("expiresAt", "evidence")),
            Map.entry("ShareBalanceBody", List.of("linkId", "amount", "currency", "asOf", "purpose")),
            Map.entry("Transaction", List.of("transactionId", "bookedAt", "amount", "currency", "description", "channel")),
            Map.entry("ShareTransactionsBody", List.of("linkId", "purpose", "transactions")));

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    @Bean
    public OpenApiCustomizer commandApiDocument() {
        return openApi -> {
            openApi.info(new Info().title("Consent Ledger command API").version("v1").description("""
                    Commands of the consent ledger. Every error is an RFC 9457 problem (application/problem+json) with
                    a stable `type` (https://consent-ledger.dev/problems/<slug>) and `code`; each response lists the
                    slugs it can carry in `x-problem-types`. A method a path does not take is 405 `method-not-allowed`,
                    an unknown path 404 `not-found`, an unexpected failure 500 `internal-error`."""));
            Components components = openApi.getComponents() != null ? openApi.getComponents() : new Components();
            openApi.components(components);
            components.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .bearerFormat("JWT").description("Production: a JWT with claims party and party_id"));
            components.addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                    .in(SecurityScheme.In.HEADER).name("X-Api-Key")
                    .description("Developer mode only; also accepted as `Authorization: ApiKey <key>`"));
            openApi.security(List.of(new SecurityRequirement().addList("bearer"), new SecurityRequirement().addList("apiKey")));
            components.addSchemas("Problem", problemSchema());
            describeBodies(components);
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> {
                Answers answers = OPERATIONS.get(path);
                for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.readOperationsMap().entrySet()) {
                    if (answers != null && entry.getKey() == PathItem.HttpMethod.POST) {
                        document(path, entry.getValue(), answers);
                    }
                }
            });
        };
    }

    private static void document(String path, Operation operation, Answers answers) {
        operation.addParametersItem(new HeaderParameter().name("Idempotency-Key").required(false)
                .description("A retry with the same key and the same bytes gets the first outcome again and sends no command")
                .schema(new StringSchema().pattern("[\\x21-\\x7E]{1,255}")));
        operation.addParametersItem(new HeaderParameter().name("X-Correlation-Id").required(false)
                .description("Echoed in every answer; generated when absent or not a plain token of at most 64 characters")
                .schema(new StringSchema().maxLength(64)));
        if (operation.getRequestBody() != null && !path.endsWith("/unlink")) {
            operation.getRequestBody().setRequired(true);
        }
        ApiResponses responses = operation.getResponses() != null ? operation.getResponses() : new ApiResponses();
        ApiResponse success = responses.containsKey("200") ? responses.remove("200") : new ApiResponse();
        success.description(answers.success() == 201 ? "Created" : "OK");
        success.addHeaderObject("X-Correlation-Id", header("The request's correlation id"));
        success.addHeaderObject("Idempotency-Replayed", header("true when this is the stored outcome of an earlier request with the same Idempotency-Key"));
        if (answers.success() == 201 && !path.contains("/shares/")) {
            success.addHeaderObject("Location", header("The created link or consent"));
        }
        responses.put(String.valueOf(answers.success()), success);
        Map<Integer, List<String>> problems = new java.util.TreeMap<>();
        COMMON.forEach((status, slugs) -> problems.computeIfAbsent(status, s -> new ArrayList<>()).addAll(slugs));
        answers.refusals().forEach((status, slugs) -> problems.computeIfAbsent(status, s -> new ArrayList<>()).addAll(slugs));
        problems.put(500, List.of("internal-error"));
        problems.forEach((status, slugs) -> {
            ApiResponse problem = new ApiResponse().description(String.join(", ", slugs))
                    .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM_SCHEMA))));
            problem.addExtension(PROBLEM_TYPES, List.copyOf(slugs));
            problem.addHeaderObject("X-Correlation-Id", header("The request's correlation id"));
            if (status == 401) {
                problem.addHeaderObject("WWW-Authenticate", header("Bearer (with error=\"invalid_token\" for a bad token) or ApiKey"));
            }
            if (status == 429) {
                problem.addHeaderObject("Retry-After", header("Seconds to wait (rate-limited only)"));
            }
            responses.put(String.valueOf(status), problem);
        });
        operation.setResponses(responses);
    }

    private static Header header(String description) {
        return new Header().description(description).schema(new StringSchema());
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().format("uri").description("https://consent-ledger.dev/problems/<slug>"));
        properties.put("title", new StringSchema());
        properties.put("status", new IntegerSchema());
        properties.put("detail", new StringSchema().description("Names fields and ids, never values"));
        properties.put("code", new StringSchema().description("The slug in upper snake case; a refusal's RefusalReason"));
        properties.put("instance", new StringSchema().format("uri-reference"));
        ObjectSchema schema = new ObjectSchema();
        schema.setProperties(properties);
        schema.setRequired(List.of("type", "title", "status", "code"));
        schema.description("RFC 9457 problem details");
        return schema;
    }

    /** Required fields and the bounds the contracts check (docs/domain.md, "Bounds"). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void describeBodies(Components components) {
        Map<String, Schema> schemas = components.getSchemas();
        if (schemas == null) {
            return;
        }
        REQUIRED.forEach((name, fields) -> {
            Schema schema = schemas.get(name);
            if (schema != null) {
                schema.setRequired(fields);
            }
        });
        schemas.forEach((name, schema) -> {
            Map<String, Schema> properties = schema.getProperties();
            if (properties == null || !REQUIRED.containsKey(name) && !name.equals("Window") && !name.equals("Frequency")
                    && !name.equals("Unlink")) {
                return;
            }
            properties.forEach((property, value) -> {
                if (property.endsWith("Id") && "string".equals(value.getType())) {
                    value.setPattern(Checks.ID_PATTERN);
                }
                if (property.equals("linkIds")) {
                    value.setMinItems(1);
                    value.setMaxItems(RequestConsent.MAX_LINKS);
                    if (value.getItems() != null) {
                        value.getItems().setPattern(Checks.ID_PATTERN);
                    }
                }
                if (property.equals("transactions")) {
                    value.setMinItems(1);
                    value.setMaxItems(ShareTransactions.MAX_TRANSACTIONS);
                }
                if (property.equals("amount")) {
                    value.setDescription("Exact decimal: at most " + Money.MAX_INTEGER_DIGITS + " integer digits and at most "
                            + "the currency's ISO 4217 minor units of decimals (" + Money.MAX_SCALE_WITHOUT_MINOR_UNITS
                            + " for codes without minor units)");
                    value.setMaximum(new BigDecimal("1E" + Money.MAX_INTEGER_DIGITS));
                    value.setExclusiveMaximum(true);
                    value.setMinimum(new BigDecimal("-1E" + Money.MAX_INTEGER_DIGITS));
                    value.setExclusiveMinimum(true);
                }
                if (property.equals("currency")) {
                    value.setPattern("[A-Z]{3}");
                }
                if (property.equals("lookbackDays")) {
                    value.setMinimum(BigDecimal.ONE);
                    value.setMaximum(BigDecimal.valueOf(TransactionWindow.MAX_LOOKBACK_DAYS));
                }
                if (property.equals("maxPerDay")) {
                    value.setMinimum(BigDecimal.ONE);
                    value.setMaximum(BigDecimal.valueOf(AccessFrequency.MAX_PER_DAY_LIMIT));
                }
                if ("date-time".equals(value.getFormat())) {
                    value.setDescription("ISO-8601 string in UTC or with an offset; never a number. Instants a provider "
                            + "reports (evidence, asOf, bookedAt) may be at most consent-ledger.clock-skew-allowance "
                            + "(5 minutes) ahead of the ledger's clock");
                }
            });
        });
    }
}
