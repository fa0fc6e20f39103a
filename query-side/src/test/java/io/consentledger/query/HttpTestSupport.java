package io.consentledger.query;

import com.mongodb.client.MongoDatabase;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Real HTTP against the running query side, and a script that writes events into its store. */
abstract class HttpTestSupport {

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    MongoDatabase database;

    protected final HttpClient http = HttpClient.newHttpClient();
    protected final JsonMapper json = JsonMapper.builder().build();
    protected LedgerScript script;
    protected String id;

    @BeforeEach
    void newScript() {
        script = new LedgerScript(eventStore);
        id = UUID.randomUUID().toString().substring(0, 8);
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JsonMapper.builder().build().readTree(body);
        }
    }

    /** Developer API keys (dev mode): {@code dev-key-<name>}. */
    static final String AUDITOR = "dev-key-auditor";
    static final String OPERATOR = "dev-key-operator";
    static final String BANK_1 = "dev-key-bank-1";
    static final String BANK_2 = "dev-key-bank-2";
    static final String MESSENGER = "dev-key-messenger";
    static final String VOICE_ASSISTANT = "dev-key-voice-assistant";

    /** As the auditor, who reads everything, or as the operator for the operator endpoints. */
    static String naturalCaller(String path) {
        return path.startsWith("/api/v1/operator/") || path.startsWith("/actuator/") ? OPERATOR : AUDITOR;
    }

    /** The Authorization header tests send by default; a test in jwt mode sends tokens instead. */
    String authorization(String path) {
        return "ApiKey " + naturalCaller(path);
    }

    Response get(String path) {
        return getAuthorized(path, authorization(path));
    }

    /** {@code key} null: anonymous. */
    Response get(String path, String key) {
        return getAuthorized(path, key == null ? null : "ApiKey " + key);
    }

    Response getAuthorized(String path, String authorization) {
        return send("GET", path, authorization, null);
    }

    Response post(String path) {
        return send("POST", path, authorization(path), null);
    }

    /** One request over real HTTP; {@code authorization} null: anonymous; a {@code body} is sent as JSON. */
    Response send(String method, String path, String authorization, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                                response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode awaitJson(String path, java.util.function.Predicate<JsonNode> until) {
        List<JsonNode> last = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response response = get(path);
            if (response.status() != 200) {
                return false;
            }
            JsonNode node = response.json();
            last.clear();
            last.add(node);
            return until.test(node);
        });
        return last.get(0);
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
