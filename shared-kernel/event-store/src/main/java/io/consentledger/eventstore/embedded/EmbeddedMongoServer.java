package io.consentledger.eventstore.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local default store: mongo-java-server, speaking the MongoDB wire protocol on loopback.
 * <p>
 * File-backed by default (H2 MVStore). That backend commits about once a second and keeps no redo log, so a crash of
 * this process can lose the last second of acknowledged writes. It is for development and tests; production runs a
 * MongoDB replica set with write concern majority (see README).
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    private final MongoServer server;
    private final InetSocketAddress address;
    private final String description;

    private EmbeddedMongoServer(MongoBackend backend, String host, int port, String description) {
        this.server = new MongoServer(backend);
        server.bind(host, port);
        this.address = server.getLocalAddress();
        this.description = description;
        logger.info("Embedded MongoDB-compatible store ({}) listening on {}", description, connectionString());
    }

    /** An in-memory store on a free loopback port: for tests. */
    public static EmbeddedMongoServer inMemory() {
        return inMemory("127.0.0.1", 0);
    }

    public static EmbeddedMongoServer inMemory(String host, int port) {
        return new EmbeddedMongoServer(new MemoryBackend(), host, port, "in memory");
    }

    /** A store kept in {@code file}, surviving restarts. */
    public static EmbeddedMongoServer fileBacked(Path file, String host, int port) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded store's directory for " + file, e);
        }
        return new EmbeddedMongoServer(new H2Backend(file.toString()), host, port, "file " + file.toAbsolutePath());
    }

    public String connectionString() {
        return "mongodb://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        logger.info("Stopping the embedded store ({})", description);
        server.shutdown();
    }
}
