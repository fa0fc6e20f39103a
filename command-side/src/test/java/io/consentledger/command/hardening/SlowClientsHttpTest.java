package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, finding 1: slow clients cannot stop the command side. A body that never arrives, with or without a key,
 * holds no worker thread for long; health and liveness answer meanwhile. Run with a small worker pool (8 threads,
 * 3 kept for health) so that a few dozen sockets would exhaust it.
 */
@TestPropertySource(properties = {
        "server.tomcat.threads.max=8",
        "server.tomcat.threads.min-spare=8",
        "server.tomcat.connection-timeout=5s",
        "consent-ledger.security.reserved-threads=3",
        "consent-ledger.security.request-arrival-timeout=2s"
})
class SlowClientsHttpTest extends HttpTestSupport {

    private static final String HALF_A_BODY = "{\"linkId\": \"slow";

    private static String slowPost(String... headers) {
        StringBuilder request = new StringBuilder("POST /api/v1/links HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1000\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").append(HALF_A_BODY).toString();
    }

    private RawHttp.Answer liveness() throws Exception {
        return RawHttp.exchange(port, "GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 10_000);
    }

    @Test
    void slowBodiesWithoutAKeyAreRefusedOnTheirHeadersAndHoldNoThread() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                sockets.add(RawHttp.open(port, slowPost()));
            }
            for (Socket socket : sockets) {
                RawHttp.Answer answer = RawHttp.read(socket, 5_000);
                assertThat(answer.status()).as(answer.head()).isEqualTo(401);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
            }
            // the bodies are still open and unsent: liveness and the API answer at once all the same
            RawHttp.Answer live = liveness();
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.millis()).isLessThan(3_000);
            assertThat(post("/api/v1/links", linkJson(id("link"), "cust-slow", "EUR")).status()).isEqualTo(201);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void slowBodiesWithAKeyAreCutOffAndHealthStillAnswers() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                sockets.add(RawHttp.open(port, slowPost("Authorization: ApiKey " + BANK_1)));
            }
            Thread.sleep(300);
            // every API worker may be waiting for a body: the reserved threads still serve health
            RawHttp.Answer live = liveness();
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.millis()).isLessThan(3_000);
            // each slow request is answered within the arrival bound (2 s) plus one read timeout (5 s): 408 for those
            // that got a worker, 503 at once for those beyond the API's share of the workers
            for (Socket socket : sockets) {
                RawHttp.Answer answer = RawHttp.read(socket, 12_000);
                assertThat(answer.status()).as(answer.head()).isIn(408, 503);
                assertThat(answer.contentType()).startsWith("application/problem+json");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        RawHttp.Answer live = liveness();
        assertThat(live.status()).isEqualTo(200);
    }
}
