package io.consentledger.query;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntBiFunction;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): answers each request by a rule, records it, and can check
 * every request's signature with the independent Standard Webhooks library ({@code com.standardwebhooks}).
 */
final class WebhookReceiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Received(Instant at, Map<String, List<String>> headers, String body, int answered) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        String type() {
            return json().get("type").asText();
        }

        String consentId() {
            JsonNode consent = json().get("consentId");
            return consent == null ? null : consent.asText();
        }
    }

    final List<Received> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    /**
     * @param port   0 for any free port
     * @param status the status to answer with, given the body and how many requests with this body's
     *               {@code webhook-id} came before (0 for the first)
     */
    WebhookReceiver(int port, ToIntBiFunction<String, Integer> status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
            int answer;
            synchronized (requests) {
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                int before = (int) requests.stream().filter(r -> r.header("webhook-id").equals(id)).count();
                answer = status.applyAsInt(body, before);
                requests.add(new Received(Instant.now(), headers, body, answer));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    static WebhookReceiver ok() throws IOException {
        return new WebhookReceiver(0, (body, before) -> 204);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return url(port());
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port + "/hooks/ledger";
    }

    List<Received> about(String consentId) {
        return requests.stream().filter(r -> consentId.equals(r.consentId())).toList();
    }

    /** Every request so far verifies with one of these secrets, by the independent library. */
    void allSignedWith(String... secrets) {
        for (Received r : requests) {
            boolean any = false;
            for (String secret : secrets) {
                try {
                    new com.standardwebhooks.Webhook(secret).verify(r.body(), r.headers());
                    any = true;
                } catch (Exception ignored) {
                    // try the next secret
                }
            }
            if (!any) {
                assertThatCode(() -> new com.standardwebhooks.Webhook(secrets[0]).verify(r.body(), r.headers()))
                        .as("signature of " + r.header("webhook-id")).doesNotThrowAnyException();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
