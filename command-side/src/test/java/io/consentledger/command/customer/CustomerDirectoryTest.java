package io.consentledger.command.customer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.consentledger.eventstore.testing.TestStores;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The erasure guard's look-up ({@link CustomerDirectory#erasureRequested(String)}), with two instances on one store
 * as two command-side instances have: the one whose {@code customer-directory} processor records the erasure, and
 * another one that only reads. An erasure must be seen by every instance within the refresh interval, and a share of
 * a customer whose erasure nobody asked for must not cost a read of its directory entry every few seconds (issue 17:
 * 5.2% of the request thread's samples went to those re-reads).
 */
class CustomerDirectoryTest {

    private static final Duration REFRESH = Duration.ofSeconds(1);

    private final TestStores stores = TestStores.open();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> reads = new CopyOnWriteArrayList<>();
    private final MongoClient countingClient = MongoClients.create(com.mongodb.MongoClientSettings.builder()
            .applyConnectionString(new com.mongodb.ConnectionString(stores.connectionString()))
            .addCommandListener(new CommandListener() {
                @Override
                public void commandStarted(CommandStartedEvent event) {
                    if ("find".equals(event.getCommandName())) {
                        BsonValue collection = event.getCommand().get("find");
                        reads.add(collection.asString().getValue());
                    }
                }
            }).build());
    /** The instance whose projection records erasures. */
    private final CustomerDirectory writer = new CustomerDirectory(stores.database(), REFRESH, nanos::get);
    /** Another instance: it learns of erasures from the store only. */
    private final CustomerDirectory reader = new CustomerDirectory(countingClient.getDatabase(stores.databaseName()),
                                                                   REFRESH, nanos::get);

    @AfterEach
    void close() {
        countingClient.close();
        stores.close();
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private long directoryReads() {
        return reads.stream().filter(CustomerDirectory.DIRECTORY::equals).count();
    }

    private long generationReads() {
        return reads.stream().filter(CustomerDirectory.GENERATION::equals).count();
    }

    @Test
    void anErasureRecordedOnOneInstanceIsSeenOnAnotherWithinTheRefreshInterval() {
        writer.consent("bank-1/c1", "consent-1");
        assertThat(reader.erasureRequested("bank-1/c1")).isFalse();

        writer.erasureRequested("bank-1/c1", Instant.parse("2029-01-01T00:00:00Z"));

        assertThat(writer.erasureRequested("bank-1/c1")).as("the recording instance knows at once").isTrue();
        advance(REFRESH);
        assertThat(reader.erasureRequested("bank-1/c1")).as("another instance, one refresh interval later").isTrue();
    }

    @Test
    void theBoundHoldsForEveryCustomerTheOtherInstanceHasCached() {
        for (int i = 0; i < 50; i++) {
            assertThat(reader.erasureRequested("bank-1/c" + i)).isFalse();
        }
        writer.erasureRequested("bank-1/c7", Instant.parse("2029-01-01T00:00:00Z"));
        writer.erased("bank-1/c8");

        advance(REFRESH.plusMillis(1));

        for (int i = 0; i < 50; i++) {
            assertThat(reader.erasureRequested("bank-1/c" + i)).as("customer c" + i).isEqualTo(i == 7 || i == 8);
        }
    }

    @Test
    void withNoNewErasureACachedCustomerCostsNoReadOfItsEntry() {
        for (int i = 0; i < 100; i++) {
            reader.erasureRequested("bank-1/c" + i);
        }
        assertThat(directoryReads()).isEqualTo(100);
        reads.clear();

        // a minute of shares for the same customers, well past the old 5 s expiry of each entry
        for (int second = 0; second < 60; second++) {
            advance(Duration.ofSeconds(1));
            for (int i = 0; i < 100; i++) {
                assertThat(reader.erasureRequested("bank-1/c" + i)).isFalse();
            }
        }

        assertThat(directoryReads()).as("no customer's entry is read again").isZero();
        assertThat(generationReads()).as("one read of the generation per refresh interval, for all customers")
                                     .isEqualTo(60);
    }

    @Test
    void withinTheRefreshIntervalTheGenerationIsNotReadAgain() {
        reader.erasureRequested("bank-1/c1");
        reads.clear();
        for (int i = 0; i < 1000; i++) {
            reader.erasureRequested("bank-1/c1");
        }
        advance(REFRESH.minusMillis(1));
        reader.erasureRequested("bank-1/c1");
        assertThat(reads).isEmpty();
    }

    @Test
    void anErasedCustomerIsNeverReadAgain() {
        writer.erasureRequested("bank-1/c1", Instant.parse("2029-01-01T00:00:00Z"));
        advance(REFRESH);
        assertThat(reader.erasureRequested("bank-1/c1")).isTrue();
        writer.erasureRequested("bank-1/c2", Instant.parse("2029-01-01T00:00:00Z"));
        reads.clear();

        advance(REFRESH);
        assertThat(reader.erasureRequested("bank-1/c1")).isTrue();

        assertThat(directoryReads()).isZero();
    }

    @Test
    void aReaderThatReadAnEntryBetweenTwoWritersStillSeesTheSecondErasure() {
        CustomerDirectory secondWriter = new CustomerDirectory(stores.database(), REFRESH, nanos::get);
        writer.erasureRequested("bank-1/c1", Instant.parse("2029-01-01T00:00:00Z"));
        advance(REFRESH);
        // the reader reads the generation the first writer left, then c2's entry before the second writer wrote it
        assertThat(reader.erasureRequested("bank-1/c2")).isFalse();
        secondWriter.erasureRequested("bank-1/c2", Instant.parse("2029-01-01T00:00:00Z"));

        advance(REFRESH);

        assertThat(reader.erasureRequested("bank-1/c2")).isTrue();
        assertThat(reader.erasureRequested("bank-1/c1")).isTrue();
    }
}
