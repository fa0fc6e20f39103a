package io.consentledger.query;

import io.consentledger.security.problem.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 17, on the query side: parameters that cannot be converted, static 404s and Spring MVC's own
 * errors are RFC 9457 problems with our {@code type} and {@code code}, like every other answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class ProblemAnswersTest extends HttpTestSupport {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/api/v1/audit/access?from=not-an-instant, 400, malformed-parameter",
            "/api/v1/audit/access?limit=abc, 400, malformed-parameter",
            "/v3/api-docs/nothing, 404, not-found",
            "/actuator/nothing, 404, not-found"
    })
    void everyAnswerIsAProblem(String path, int status, String slug) {
        Response response = get(path.startsWith("/actuator") ? path : path, path.startsWith("/actuator") ? OPERATOR : AUDITOR);
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo(Problems.BASE + slug);
        assertThat(problem.path("code").asString()).isEqualTo(Problems.codeOf(slug));
    }
}
