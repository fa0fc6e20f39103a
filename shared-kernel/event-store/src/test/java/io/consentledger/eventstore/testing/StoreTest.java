package io.consentledger.eventstore.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test class that runs against one store for all its tests (the embedded server, or the MongoDB named by
 * {@code CONSENT_LEDGER_TEST_MONGODB_URI}), each test in collections of its own.
 */
public abstract class StoreTest {

    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    protected static TestStores stores;

    @BeforeAll
    static void openStore() {
        stores = TestStores.open();
    }

    @AfterAll
    static void closeStore() {
        stores.close();
    }

    /** A collection name no other test of this JVM uses. */
    protected static String freshCollection(String prefix) {
        return prefix + COLLECTIONS.incrementAndGet();
    }
}
