package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.RawHttp;
import io.consentledger.command.testing.ServerLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body over the limit is answered 413 {@code payload-too-large} on its headers, and the client reads that answer
 * although it is still sending its body: the server drains the rest (a "lingering close") before closing, up to the
 * declared length when it is at most 4 MiB, for at most 2 s. Closing at once with the body unread made the kernel reset
 * the connection under a client still writing, which then saw a broken pipe instead of the 413 (the rare flake of
 * {@code OpenApiConformanceTest}). An absurd length, or a client that waits for {@code 100 Continue}, is still closed
 * at once; a client that stops sending holds its thread for at most the 2 s. Run with the small worker pool of
 * {@link SlowClientsHttpTest} (8 threads, 3 kept for health), so that the drains' share of threads is visible.
 */
@TestPropertySource(properties = {
        "server.tomcat.threads.max=8",
        "server.tomcat.threads.min-spare=8",
        "server.tomcat.connection-timeout=5s",
        "consent-ledger.security.reserved-threads=3",
        "consent-ledger.security.request-arrival-timeout=2s"
})
class OversizedBodyHttpTest extends HttpTestSupport {

    private static final int OVER = 300 * 1024;
    private static final HttpClient HTTP_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    private ApplicationContext context;
    private ServerLogs logged;

    @BeforeEach
    void capture() {
        logged = ServerLogs.capture(context);
    }

    @AfterEach
    void release() {
        logged.close();
    }

    private void assertQuiet() {
        logged.assertQuiet();
    }

    private static String head(long contentLength, String... headers) {
        StringBuilder head = new StringBuilder("POST /api/v1/links HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nAuthorization: ApiKey " + BANK_1 + "\r\nContent-Length: " + contentLength + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    private static byte[] filler(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    /** A request on another connection: wakes Tomcat's poller, as the other tests' traffic does in a build. */
    private void otherTraffic() {
        try {
            RawHttp.Answer live = RawHttp.exchange(port,
                    "GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 5_000);
            assertThat(live.status()).isEqualTo(200);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertPayloadTooLarge(RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.head()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains("payload-too-large").doesNotContain("Exception");
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
    }

    /** Milliseconds until the server closes the connection (end of stream or reset), or -1 if not within the timeout. */
    private static long closedWithin(Socket socket, int timeoutMillis) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer already read; nothing else is expected
            }
        } catch (SocketTimeoutException stillOpen) {
            return -1;
        } catch (SocketException reset) {
            // closed as well
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aClientStillSendingItsBodyReadsThe413() throws Exception {
        byte[] chunk = filler(16 * 1024);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(OVER).getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunk);
            out.flush();
            // the server has answered by now; the client, like any that writes its body before reading, goes on.
            // Meanwhile other traffic wakes Tomcat's poller, which then really closes a connection it has closed
            // (without other traffic that may wait for the poller's 1 s select timeout: why the flake was rare)
            Thread.sleep(100);
            otherTraffic();
            Thread.sleep(100);
            for (int sent = chunk.length; sent < OVER; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, OVER - sent));
                out.flush();
                Thread.sleep(5);
            }
            assertPayloadTooLarge(RawHttp.read(socket, 5_000));
            assertThat(closedWithin(socket, 3_000)).as("closed after the answer").isBetween(0L, 2_500L);
        }
        assertQuiet();
    }

    @Test
    void theJdkClientReadsThe413OfABodySentWithAPause() throws Exception {
        byte[] body = filler(OVER);
        for (int i = 0; i < 5; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/links"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "ApiKey " + BANK_1)
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new PausingStream(body, this::otherTraffic)), body.length))
                    .build();
            HttpResponse<String> response = HTTP_1.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(response.body()).contains("payload-too-large");
        }
        assertQuiet();
    }

    @Test
    void aBodyOverTheLimitSentAtOnceIsAlwaysAnswered413() throws Exception {
        String body = "{\"a\": \"" + "x".repeat(OVER) + "\"}";
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        int runs = 200;
        // other traffic meanwhile, as in a build: it wakes Tomcat's poller, which then closes at once what it closes
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread traffic = new Thread(() -> {
            while (!done.get()) {
                otherTraffic();
            }
        });
        traffic.setDaemon(true);
        traffic.start();
        try {
            send(runs, body, failures);
        } finally {
            done.set(true);
            traffic.join(5_000);
        }
        assertThat(failures).as("exchanges of %d answered otherwise than 413: %d", runs, failures.size()).isEmpty();
        assertQuiet();
    }

    private void send(int runs, String body, List<String> failures) throws InterruptedException {
        for (int i = 0; i < runs; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/links"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "ApiKey " + BANK_1)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
                HttpResponse<String> response = HTTP_1.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 413 || !response.body().contains("payload-too-large")) {
                    failures.add(response.statusCode() + " " + response.body());
                }
            } catch (IOException failed) {
                failures.add(failed.toString());
            }
        }
    }

    @Test
    void aClientThatStopsSendingHoldsItsThreadAtMostTwoSeconds() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(1024 * 1024).getBytes(StandardCharsets.ISO_8859_1));
            out.write(filler(1024));
            out.flush();
            RawHttp.Answer answer = RawHttp.read(socket, 5_000);
            assertPayloadTooLarge(answer);
            assertThat(answer.millis()).as("answered at once").isLessThan(1_000);
            long closed = closedWithin(socket, 5_000);
            assertThat(closed).as("closed within the drain's bound").isBetween(0L, 2_500L);
        }
        assertQuiet();
    }

    @Test
    void anAbsurdLengthIsAnsweredAndClosedAtOnceWithoutReadingTheBody() throws Exception {
        // the client sends only the headers: the answer is read, and the connection closed at once
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head(1L << 40).getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Answer answer = RawHttp.read(socket, 5_000);
            assertPayloadTooLarge(answer);
            assertThat(closedWithin(socket, 5_000)).as("closed at once").isBetween(0L, 500L);
        }
        // a client that goes on writing 64 MiB is cut off: the server reads nothing of it (whether this client can
        // still read the answer then depends on its own kernel; that is the price of such a length)
        long written = 0;
        boolean cutOff = false;
        long start = System.nanoTime();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(64L * 1024 * 1024).getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = filler(64 * 1024);
            try {
                while (written < 64L * 1024 * 1024 && (System.nanoTime() - start) < 10_000_000_000L) {
                    out.write(chunk);
                    written += chunk.length;
                }
            } catch (SocketException reset) {
                cutOff = true;
            }
        }
        assertThat(cutOff).as("cut off after " + written + " bytes").isTrue();
        assertThat(written).as("bytes the client could write before the reset").isLessThan(32L * 1024 * 1024);
        assertQuiet();
    }

    @Test
    void drainsTakeOnlyTheApiShareOfThreadsAndHealthStillAnswers() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            // twenty clients that declare 1 MiB, send a little and stop: each answered 413 at once
            for (int i = 0; i < 20; i++) {
                Socket socket = connect();
                sockets.add(socket);
                socket.getOutputStream().write(head(1024 * 1024).getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().write(filler(1024));
            }
            for (Socket socket : sockets) {
                RawHttp.Answer answer = RawHttp.read(socket, 5_000);
                assertPayloadTooLarge(answer);
                assertThat(answer.millis()).as("answered at once").isLessThan(1_000);
            }
            RawHttp.Answer live = RawHttp.exchange(port,
                    "GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 10_000);
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.millis()).isLessThan(1_000);
            assertThat(post("/api/v1/links", linkJson(id("link"), "cust-drain", "EUR")).status()).isEqualTo(201);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertQuiet();
    }

    /** The body's first 16 KiB, a pause with other traffic (the server answers meanwhile), then the rest. */
    private static final class PausingStream extends InputStream {
        private final ByteArrayInputStream body;
        private final Runnable meanwhile;
        private int read;
        private boolean paused;

        PausingStream(byte[] body, Runnable meanwhile) {
            this.body = new ByteArrayInputStream(body);
            this.meanwhile = meanwhile;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= 16 * 1024 && !paused) {
                paused = true;
                try {
                    Thread.sleep(100);
                    meanwhile.run();
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = body.read(b, off, Math.min(len, paused ? len : 16 * 1024 - read));
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }
}
