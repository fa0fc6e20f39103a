package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.RawHttp;
import io.consentledger.security.problem.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 17: every answer is an RFC 9457 problem with the documented {@code type} and {@code code},
 * including those Tomcat gives before the application runs (a broken request line, a bad header, an encoded slash),
 * TRACE, static 404s and Spring MVC's 405, 406 and 415.
 */
class ProblemAnswersHttpTest extends HttpTestSupport {

    private static final String BANK = "Authorization: ApiKey " + BANK_1 + "\r\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "broken request line      | 400 | malformed-request  | GET /a b c HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
            "header without a colon   | 400 | malformed-request  | GET /actuator/health HTTP/1.1\\r\\nHost: x\\r\\nBad Header\\r\\n\\r\\n",
            "two Host headers         | 400 | malformed-request  | GET /actuator/health HTTP/1.1\\r\\nHost: x\\r\\nHost: y\\r\\n\\r\\n",
            "control character        | 400 | malformed-request  | FOO\u0001 / HTTP/1.1\\r\\n\\r\\n",
            "encoded slash            | 400 | malformed-request  | GET /api/v1/links%2Fx HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n",
            "TRACE                    | 405 | method-not-allowed | TRACE /api/v1/links HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n",
            "TRACE on health          | 405 | method-not-allowed | TRACE /actuator/health HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n",
            "static 404               | 404 | not-found          | GET /v3/api-docs/nothing HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nBANK\\r\\n\\r\\n",
            "static 404 swagger       | 404 | not-found          | GET /swagger-ui/nothing.js HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nBANK\\r\\n\\r\\n",
            "405 GET on a command     | 405 | method-not-allowed | GET /api/v1/links HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nBANK\\r\\n\\r\\n",
            "406 html only            | 406 | not-acceptable     | POST /api/v1/links HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nAccept: text/html\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\nBANK\\r\\n\\r\\n{}",
            "415 text body            | 415 | unsupported-media-type | POST /api/v1/links HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nContent-Type: text/plain\\r\\nContent-Length: 1\\r\\nBANK\\r\\n\\r\\nx",
            "/error directly          | 401 | unauthenticated    | GET /error HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"
    })
    void everyAnswerIsAProblem(String name, int status, String slug, String request) throws Exception {
        String wire = request.replace("\\r\\n", "\r\n").replace("BANK\r\n", BANK);
        RawHttp.Answer answer = RawHttp.exchange(port, wire, 10_000);
        assertThat(answer.status()).as(answer.head()).isEqualTo(status);
        assertThat(answer.contentType()).as(name).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asString()).isEqualTo(Problems.BASE + slug);
        assertThat(problem.path("code").asString()).isEqualTo(Problems.codeOf(slug));
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("<html").doesNotContain("Tomcat");
    }
}
