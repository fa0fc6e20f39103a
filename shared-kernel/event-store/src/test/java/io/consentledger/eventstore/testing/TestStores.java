package io.consentledger.eventstore.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;

import java.util.UUID;

/**
 * The store a test runs against: the embedded server by default, or a real MongoDB when
 * {@code CONSENT_LEDGER_TEST_MONGODB_URI} is set (for example {@code mongodb://localhost:27017/?replicaSet=rs0}).
 * Each store gets a database of its own, dropped on close.
 */
public final class TestStores implements AutoCloseable {

    public static final String URI_VARIABLE = "CONSENT_LEDGER_TEST_MONGODB_URI";

    private final EmbeddedMongoServer embedded;
    private final MongoClient client;
    private final String connectionString;
    private final String databaseName;

    private TestStores(EmbeddedMongoServer embedded, String connectionString) {
        this.embedded = embedded;
        this.connectionString = connectionString;
        this.client = MongoClients.create(connectionString);
        this.databaseName = "ledger-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static TestStores open() {
        String uri = System.getenv(URI_VARIABLE);
        if (uri != null && !uri.isBlank()) {
            return new TestStores(null, uri);
        }
        EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
        return new TestStores(server, server.connectionString());
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public MongoClient client() {
        return client;
    }

    public MongoDatabase database() {
        return client.getDatabase(databaseName);
    }

    public String databaseName() {
        return databaseName;
    }

    /** A connection string for another process or application context to reach the same store. */
    public String connectionString() {
        return connectionString;
    }

    @Override
    public void close() {
        try {
            database().drop();
        } finally {
            client.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
