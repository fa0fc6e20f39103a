package io.consentledger.query.apidocs;

import io.consentledger.security.problem.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query side's OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}; any
 * authenticated caller may read them, as on the command side). It names the two ways to authenticate, and every
 * operation lists the problems it can answer with, as {@code application/problem+json} with an example each.
 */
@Configuration(proxyBeanMethods = false)
public class QueryApiDocs {

    static final String API_KEY = "apiKey";
    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    /** The problems every operation can answer with: status, slug, title, an example detail. */
    private record ProblemType(int status, String slug, String title, String detail, String description) {
    }

    private static final List<ProblemType> COMMON = List.of(
            new ProblemType(400, Problems.INVALID_REQUEST, "Invalid request", "limit must be between 1 and 500",
                            "A parameter was read but breaks a rule (invalid-request), or could not be read at all "
                            + "(malformed-request: a wrong type, an unknown value, an unknown parameter)."),
            new ProblemType(401, Problems.UNAUTHENTICATED, "Unauthenticated",
                            "A valid API key or bearer token is required",
                            "No credentials, or credentials that are not accepted."),
            new ProblemType(403, Problems.FORBIDDEN, "Forbidden", "This party may not use this endpoint",
                            "The caller's party may not use this endpoint (function-level rule)."),
            new ProblemType(429, Problems.RATE_LIMITED, "Too many requests", "Slow down: retry after 1 s",
                            "The caller's rate limit is used up; Retry-After says when to retry."),
            new ProblemType(500, Problems.INTERNAL_ERROR, "Internal error",
                            "The query could not be answered. It has been logged.",
                            "Anything unexpected. The body names no class and carries no stack trace."));

    private static final ProblemType NOT_FOUND = new ProblemType(404, Problems.NOT_FOUND, "Not found",
            "No consent consent-1", "Unknown, or not the caller's: someone else's id is answered exactly like an unknown one.");

    /** The problems of a point-in-time answer ({@code asOf}/{@code asOfSize}; docs/verifiable-log.md). */
    private static final List<ProblemType> POINT_IN_TIME = List.of(
            new ProblemType(404, "checkpoint-not-found", "Checkpoint not found",
                            "No checkpoint signed at or before 2026-12-01T00:00:00Z",
                            "asOf or asOfSize names no signed checkpoint (none signed yet, none that early, none of "
                            + "that size); a point-in-time request is never answered with today's data."),
            new ProblemType(409, "replay-required", "Replay required",
                            "The view of consent consent-1 was stored before leaf indexes were recorded; replay the "
                            + "consents processor",
                            "A read model stored before leaf indexes cannot answer as of a checkpoint until its "
                            + "processor is replayed."));

    @Bean
    public OpenAPI queryOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Consent Ledger: query side").version("v1")
                                .license(new License().name("Apache-2.0"))
                                .description("""
                                        Read models built from the event log: consents and customer dashboards,
                                        balances, the access history (who saw which data, when, under which consent,
                                        for which purpose), the compliance check, the raw event log and the log of
                                        auditors' queries. Providers and recipients see only their own rows; auditors
                                        see everything; operators see the operator endpoints only.

                                        Every refusal is an RFC 9457 problem (`application/problem+json`) with a
                                        stable `type` (`%s<slug>`) and `code` (the slug in upper snake case):
                                        `malformed-request`, `invalid-request` (400), `unauthenticated` (401),
                                        `forbidden` (403), `not-found` (404), `rate-limited` (429),
                                        `internal-error` (500).""".formatted(Problems.BASE)))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-Api-Key")
                                .description("Developer mode (dev-api-keys) only: a developer key such as "
                                        + "`dev-key-auditor`, sent as `X-Api-Key: <key>` or "
                                        + "`Authorization: ApiKey <key>`."))
                        .addSecuritySchemes(BEARER, new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                                .description("Mode jwt: a token of the configured issuer and audience (RS256, PS256 "
                                        + "or ES256), with the claims `party` (PROVIDER, RECIPIENT, AUDITOR, OPERATOR) "
                                        + "and `party_id`.")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Adds the problem responses, with examples, to every operation of the document. */
    @Bean
    public OpenApiCustomizer problemResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            // here rather than on the document: springdoc drops schemas that nothing referred to before customizers ran
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
                COMMON.forEach(problem -> addProblem(operation, problem));
                if (path.contains("{")) {
                    addProblem(operation, NOT_FOUND);
                }
                if (operation.getParameters() != null
                        && operation.getParameters().stream().anyMatch(p -> "asOf".equals(p.getName()))) {
                    POINT_IN_TIME.forEach(problem -> addProblem(operation, problem));
                }
            }));
        };
    }

    private static void addProblem(Operation operation, ProblemType problem) {
        String status = String.valueOf(problem.status());
        if (operation.getResponses() == null) {
            return;
        }
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", Problems.BASE + problem.slug());
        example.put("title", problem.title());
        example.put("status", problem.status());
        example.put("detail", problem.detail());
        example.put("code", Problems.codeOf(problem.slug()));
        ApiResponse declared = operation.getResponses().get(status);
        MediaType problems = declared == null || declared.getContent() == null
                ? null : declared.getContent().get(PROBLEM_JSON);
        if (problems != null) { // a second problem with this status: one more example, and its description
            problems.addExamples(problem.slug(), new Example().value(example));
            declared.description(declared.getDescription() + " Or: " + problem.description());
            return;
        }
        if (declared != null) {
            return; // the operation declares this status itself
        }
        MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                                         .addExamples(problem.slug(), new Example().value(example));
        operation.getResponses().addApiResponse(status, new ApiResponse()
                .description(problem.description()).content(new Content().addMediaType(PROBLEM_JSON, media)));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details, with the ledger's stable code")
                .addProperty("type", new StringSchema().format("uri")
                        .description("Stable problem type, " + Problems.BASE + "<slug>")
                        .example(Problems.BASE + Problems.INVALID_REQUEST))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("from must be before to"))
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("code", new StringSchema().description("The slug in upper snake case")
                        .example(Problems.codeOf(Problems.INVALID_REQUEST)))
                .required(List.of("type", "title", "status", "code"));
    }
}
