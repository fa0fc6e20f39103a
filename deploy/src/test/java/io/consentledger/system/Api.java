package io.consentledger.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A caller of the ledger's HTTP API with a developer-mode API key (see README, "Authentication"). */
public final class Api {

    public static final Api BANK = new Api("dev-key-bank-1");
    public static final Api MESSENGER = new Api("dev-key-messenger");
    public static final Api AUDITOR = new Api("dev-key-auditor");
    public static final Api OPERATOR = new Api("dev-key-operator");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String key;

    private Api(String key) {
        this.key = key;
    }

    public record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return body.path(field).asText();
        }

        /** Whether the command side answered from its idempotency record instead of running the command. */
        public boolean replayed() {
            return headers.firstValue("Idempotency-Replayed").map("true"::equals).orElse(false);
        }
    }

    public Response post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                               .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A command sent with an {@code Idempotency-Key}; an unreachable instance throws {@link IllegalStateException}. */
    public Response post(String url, String json, String idempotencyKey) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                               .header("Idempotency-Key", idempotencyKey)
                               .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** Polls until the answer satisfies {@code until}: the query side is eventually consistent. */
    public Response await(String url, Predicate<Response> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = get(url);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Not as expected within 30 s: GET " + url + " -> " + last);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Authorization", "ApiKey " + key)
                                                             .timeout(Duration.ofSeconds(30)).build(),
                                                      HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(response.statusCode(), body == null || body.isBlank()
                    ? JSON.nullNode() : JSON.readTree(body), response.headers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
