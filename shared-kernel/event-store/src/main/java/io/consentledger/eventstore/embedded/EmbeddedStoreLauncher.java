package io.consentledger.eventstore.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded store as a process of its own, so that the command side and the query side share one store when
 * started locally ({@code deploy/local/run.sh}).
 * <p>
 * Environment: {@code EMBEDDED_MONGO_PORT} (default 27017), {@code EMBEDDED_MONGO_FILE} (default
 * {@code data/consent-ledger.mv}), {@code EMBEDDED_MONGO_IN_MEMORY=true} to keep nothing.
 */
public final class EmbeddedStoreLauncher {

    private EmbeddedStoreLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("EMBEDDED_MONGO_PORT", "27017"));
        boolean inMemory = Boolean.parseBoolean(System.getenv().getOrDefault("EMBEDDED_MONGO_IN_MEMORY", "false"));
        Path file = Path.of(System.getenv().getOrDefault("EMBEDDED_MONGO_FILE", "data/consent-ledger.mv"));
        EmbeddedMongoServer server = inMemory
                ? EmbeddedMongoServer.inMemory("127.0.0.1", port)
                : EmbeddedMongoServer.fileBacked(file, "127.0.0.1", port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "embedded-store-shutdown"));
        System.out.println("Embedded store listening on " + server.connectionString());
        stopped.await();
    }
}
