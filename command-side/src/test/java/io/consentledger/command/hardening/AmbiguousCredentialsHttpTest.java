package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.RawHttp;
import io.consentledger.security.problem.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 16: a request that presents more than one credential is refused (400 {@code malformed-request})
 * whatever the credentials are, instead of one of them being picked silently. Nothing is changed.
 */
class AmbiguousCredentialsHttpTest extends HttpTestSupport {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Authorization: ApiKey dev-key-bank-1|Authorization: ApiKey dev-key-bank-1",
            "Authorization: ApiKey dev-key-bank-1|Authorization: ApiKey wrong-key",
            "Authorization: ApiKey wrong-key|Authorization: ApiKey dev-key-bank-1",
            "Authorization: ApiKey dev-key-bank-1|X-Api-Key: wrong-key",
            "X-Api-Key: wrong-key|Authorization: ApiKey dev-key-bank-1",
            "Authorization: ApiKey dev-key-bank-1|X-Api-Key: dev-key-bank-2",
            "X-Api-Key: dev-key-bank-1|X-Api-Key: dev-key-bank-1",
            "Authorization: ApiKey dev-key-bank-1|Authorization: Bearer abc.def.ghi"
    })
    void moreThanOneCredentialIsRefused(String credentials) throws Exception {
        String linkId = id("link");
        String body = linkJson(linkId, "cust-ambiguous", "EUR");
        StringBuilder request = new StringBuilder("POST /api/v1/links HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n");
        for (String header : credentials.split("\\|")) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n").append(body);
        Long head = headPosition();

        RawHttp.Answer answer = RawHttp.exchange(port, request.toString(), 10_000);

        assertThat(answer.status()).as(answer.head()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asString()).isEqualTo(Problems.BASE + Problems.MALFORMED_REQUEST);
        assertThat(problem.path("detail").asString()).contains("credential");
        assertThat(eventsOf(linkId)).isEmpty();
        assertThat(headPosition()).isEqualTo(head);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Authorization: ApiKey dev-key-bank-1", "X-Api-Key: dev-key-bank-1"})
    void oneCredentialInEitherHeaderStillWorks(String credential) throws Exception {
        String body = linkJson(id("link"), "cust-one-key", "EUR");
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n" + credential + "\r\n\r\n" + body, 10_000);
        assertThat(answer.status()).as(answer.head() + answer.body()).isEqualTo(201);
    }
}
