package io.consentledger.query.notification.delivery;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/** A webhook receiver on loopback: the JDK's HTTP server, answering by a rule, recording every request. */
final class Receiver implements AutoCloseable {

    record Received(Instant at, Map<String, List<String>> headers, String body, int answered) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    final List<Received> requests = new CopyOnWriteArrayList<>();
    /** Runs after the delay, just before the answer is sent. */
    volatile Runnable beforeAnswer = () -> { };
    private final HttpServer server;
    private final IntUnaryOperator statusForRequestNumber;
    private final long delayMillis;

    /** @param statusForRequestNumber the status to answer the n-th request with (n from 1) */
    Receiver(int port, IntUnaryOperator statusForRequestNumber, long delayMillis) throws IOException {
        this.statusForRequestNumber = statusForRequestNumber;
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            synchronized (requests) {
                status = statusForRequestNumber.applyAsInt(requests.size() + 1);
                requests.add(new Received(Instant.now(), Map.copyOf(exchange.getRequestHeaders()), body, status));
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            beforeAnswer.run();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    static Receiver answering(IntUnaryOperator status) throws IOException {
        return new Receiver(0, status, 0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/hook";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
