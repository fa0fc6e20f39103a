package io.consentledger.system;

import com.mongodb.ConnectionString;
import com.mongodb.MongoCredential;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the system tests pick their store ({@link ExternalStore}, {@link LedgerProcesses#storeEnvironment}), against a
 * MongoDB on a TCP port that this test starts as the "external" one (mongo-java-server, in memory).
 */
class ExternalStoreTest {

    private static MongoServer server;
    private static String uri;

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.shutdownNow();
    }

    @Test
    void unsetOrBlankMeansTheEmbeddedStoreWithItsDefaultDatabase() {
        assertThat(ExternalStore.from(null)).isEmpty();
        assertThat(ExternalStore.from("")).isEmpty();
        assertThat(ExternalStore.from("  \t")).isEmpty();
        assertThat(LedgerProcesses.storeEnvironment(null, "mongodb://127.0.0.1:40000"))
                .isEqualTo(Map.of("MONGODB_URI", "mongodb://127.0.0.1:40000", "CONSENT_LEDGER_MONGODB_DATABASE", "consent-ledger"));
    }

    @Test
    void theApplicationsGetTheUriAsGivenAndTheRunsOwnDatabase() {
        ExternalStore store = ExternalStore.from("  " + uri + "  ").orElseThrow();

        assertThat(store.uri()).isEqualTo(uri);
        assertThat(store.database()).startsWith(ExternalStore.DATABASE_PREFIX).matches("ledger-system-\\d{8}T\\d{6}-[0-9a-f]{8}");
        assertThat(LedgerProcesses.storeEnvironment(store, "mongodb://127.0.0.1:1"))
                .isEqualTo(Map.of("MONGODB_URI", uri, "CONSENT_LEDGER_MONGODB_DATABASE", store.database()));
    }

    @Test
    void everyRunGetsADatabaseOfItsOwn() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            names.add(ExternalStore.from(uri).orElseThrow().database());
        }
        assertThat(names).hasSize(200);
        // MongoDB's limits on a database name: under 64 bytes, none of /\. "$
        assertThat(names).allSatisfy(name -> assertThat(name).hasSizeLessThan(64).doesNotContainPattern("[/\\\\. \"$]"));
    }

    @Test
    void credentialsAndOptionsSurviveAndArePrintedNowhere() {
        String given = "mongodb://ledger:s%40cret-pw@db1.example.invalid:27017,db2.example.invalid:27018/admin"
                + "?replicaSet=rs0&authSource=admin&readPreference=secondaryPreferred&w=majority&tls=true&appName=system-tests";
        ExternalStore store = ExternalStore.from(given).orElseThrow();

        assertThat(store.uri()).isEqualTo(given);
        assertThat(LedgerProcesses.storeEnvironment(store, null)).containsEntry("MONGODB_URI", given);
        ConnectionString passedOn = new ConnectionString(store.applicationEnvironment().get("MONGODB_URI"));
        MongoCredential credential = passedOn.getCredential();
        assertThat(credential.getUserName()).isEqualTo("ledger");
        assertThat(new String(credential.getPassword())).isEqualTo("s@cret-pw");
        assertThat(credential.getSource()).isEqualTo("admin");
        assertThat(passedOn.getHosts()).containsExactly("db1.example.invalid:27017", "db2.example.invalid:27018");
        assertThat(passedOn.getRequiredReplicaSetName()).isEqualTo("rs0");
        assertThat(passedOn.getReadPreference()).isEqualTo(ReadPreference.secondaryPreferred());
        assertThat(passedOn.getWriteConcern().getWString()).isEqualTo("majority");
        assertThat(passedOn.getSslEnabled()).isTrue();
        assertThat(passedOn.getApplicationName()).isEqualTo("system-tests");
        // the run's database is not written into the URI: its path stays the credentials' authentication database
        assertThat(passedOn.getDatabase()).isEqualTo("admin");
        assertThat(store.applicationEnvironment().get("CONSENT_LEDGER_MONGODB_DATABASE")).isEqualTo(store.database());

        assertThat(store.describe()).isEqualTo("mongodb://db1.example.invalid:27017,db2.example.invalid:27018 (with credentials), database "
                                                       + store.database());
        assertThat(store.toString()).doesNotContain("cret").doesNotContain("ledger:");
    }

    @Test
    void aMalformedUriIsRefusedWithAMessageThatNamesTheVariableAndHidesThePassword() {
        assertThatThrownBy(() -> ExternalStore.from("localhost:27017"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CONSENT_LEDGER_TEST_MONGODB_URI is not a MongoDB connection string (expected mongodb://")
                .hasNoCause();
        assertThatThrownBy(() -> ExternalStore.from("mongodb://ledger:hunter2@db.example.invalid:notaport/admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CONSENT_LEDGER_TEST_MONGODB_URI is not a MongoDB connection string")
                .hasMessageNotContaining("hunter2")
                .hasNoCause();
        assertThatThrownBy(() -> ExternalStore.from("mongodb://ledger:hunter2@db.example.invalid/?w=majority&wtimeoutMS=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new ExternalStore("http://127.0.0.1:27017", "ledger-system-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CONSENT_LEDGER_TEST_MONGODB_URI");
    }

    @Test
    void redactingRemovesTheUserInformationAndThePassword() {
        String uri = "mongodb://ledger:hunter2@db.example.invalid/admin";
        assertThat(ExternalStore.redact("bad 'ledger:hunter2@db.example.invalid'", uri)).isEqualTo("bad '***@db.example.invalid'");
        assertThat(ExternalStore.redact("password hunter2 is odd", uri)).isEqualTo("password *** is odd");
        assertThat(ExternalStore.redact("no user information", "mongodb://db.example.invalid")).isEqualTo("no user information");
    }

    @Test
    void theApplicationsReachTheGivenStoreAndTheRunsDatabaseIsDroppedAtTheEnd() {
        ExternalStore store = ExternalStore.from(uri + "/?appName=ledger-system-test&connectTimeoutMS=5000&w=1").orElseThrow();
        ExternalStore otherRun = ExternalStore.from(uri).orElseThrow();
        // what an application does with its environment (LedgerMongoAutoConfiguration): the URI, then the database
        Map<String, String> environment = LedgerProcesses.storeEnvironment(store, null);
        try (MongoClient client = MongoClients.create(environment.get("MONGODB_URI"))) {
            MongoDatabase database = client.getDatabase(environment.get("CONSENT_LEDGER_MONGODB_DATABASE"));
            database.getCollection("events").insertOne(new Document("_id", 1L));
            client.getDatabase(otherRun.database()).getCollection("events").insertOne(new Document("_id", 2L));
            assertThat(names(client)).contains(store.database(), otherRun.database());
            // each run sees only its own data
            assertThat(database.getCollection("events").find().into(new ArrayList<>()))
                    .containsExactly(new Document("_id", 1L));

            assertThat(store.dropDatabase()).isTrue();

            assertThat(names(client)).doesNotContain(store.database()).contains(otherRun.database());
            assertThat(otherRun.dropDatabase()).isTrue();
            assertThat(names(client)).doesNotContain(otherRun.database());
        }
    }

    @Test
    void aStoreThatIsGoneAtTheEndIsReportedNotThrown() {
        MongoServer gone = new MongoServer(new MemoryBackend());
        gone.bind("127.0.0.1", 0);
        int port = gone.getLocalAddress().getPort();
        gone.shutdownNow();
        ExternalStore store = ExternalStore.from("mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=500").orElseThrow();

        long started = System.nanoTime();
        assertThat(store.dropDatabase()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
    }

    private static List<String> names(MongoClient client) {
        return client.listDatabaseNames().into(new ArrayList<>());
    }
}
