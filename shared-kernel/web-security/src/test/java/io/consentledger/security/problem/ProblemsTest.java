package io.consentledger.security.problem;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The former security writer concatenated strings: a quote or backslash in a detail made the body invalid JSON.
     * RFC 9457 section 3: type, title, status, detail; plus the ledger's code.
     */
    @Test
    void writesEscapedJsonWithEveryMember() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        Problems.write(response, HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid \"request\"",
                "Field 'a\\b' said \"no\"\n");

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode body = JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
        assertThat(body.get("type").asText()).isEqualTo("https://consent-ledger.dev/problems/invalid-request");
        assertThat(body.get("title").asText()).isEqualTo("Invalid \"request\"");
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.get("detail").asText()).isEqualTo("Field 'a\\b' said \"no\"\n");
        assertThat(body.get("code").asText()).isEqualTo("INVALID_REQUEST");
    }

    @Test
    void leavesACommittedResponseAlone() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.setStatus(200);
        response.getOutputStream().write("ok".getBytes(StandardCharsets.UTF_8));
        response.setCommitted(true);

        Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED, "Rate limited", "later");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("ok");
    }

    @Test
    void springsOwnProblemsGetATypeAndACodeOfOurs() {
        assertThat(Problems.slugOf(HttpStatus.METHOD_NOT_ALLOWED)).isEqualTo("method-not-allowed");
        assertThat(Problems.slugOf(HttpStatus.NOT_FOUND)).isEqualTo(Problems.NOT_FOUND);
        assertThat(Problems.slugOf(HttpStatus.BAD_REQUEST)).isEqualTo(Problems.MALFORMED_REQUEST);
        var problem = Problems.typed(org.springframework.http.ProblemDetail.forStatus(415), "unsupported-media-type");
        assertThat(problem.getType().toString()).isEqualTo("https://consent-ledger.dev/problems/unsupported-media-type");
        assertThat(problem.getProperties()).containsEntry("code", "UNSUPPORTED_MEDIA_TYPE");
    }
}
