package io.consentledger.system;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real MongoDB for the system tests and the load benchmark, named by {@code CONSENT_LEDGER_TEST_MONGODB_URI} (the
 * variable the store suites' {@code TestStores} reads): the applications get its connection string as it was given
 * (credentials, {@code authSource}, replica set and every other option kept) and a database of their own, fresh for
 * each {@link LedgerProcesses} run, which is dropped at the end. Without the variable the ledger runs on an embedded
 * store process of its own, as before.
 *
 * @param uri      the connection string, exactly as given (trimmed)
 * @param database the run's own database: {@value #DATABASE_PREFIX}, the UTC start time and a random suffix
 */
public record ExternalStore(String uri, String database) {

    /** The environment variable, as in the store suites (shared-kernel/event-store, {@code TestStores.URI_VARIABLE}). */
    public static final String URI_VARIABLE = "CONSENT_LEDGER_TEST_MONGODB_URI";

    /** A run's database starts with this; a database left behind by a killed run is easy to find and drop. */
    public static final String DATABASE_PREFIX = "ledger-system-";

    /** The applications' settings (application.yml: {@code consent-ledger.mongodb.uri: ${MONGODB_URI:}}). */
    static final String APP_URI_VARIABLE = "MONGODB_URI";
    /** {@code consent-ledger.mongodb.database}, as the Compose stack and the Kubernetes config map set it. */
    static final String APP_DATABASE_VARIABLE = "CONSENT_LEDGER_MONGODB_DATABASE";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    public ExternalStore {
        parse(uri);
    }

    /** The MongoDB named by {@value #URI_VARIABLE}, or empty when it is unset or blank. */
    public static Optional<ExternalStore> fromEnvironment() {
        return from(System.getenv(URI_VARIABLE));
    }

    /**
     * The MongoDB named by {@code value} with a fresh database, or empty when {@code value} is null or blank.
     *
     * @throws IllegalArgumentException when {@code value} is not a MongoDB connection string; the message names the
     *                                  variable and never repeats the value (it may hold a password)
     */
    public static Optional<ExternalStore> from(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new ExternalStore(value.trim(), freshDatabaseName()));
    }

    /** A database name no other run uses: the prefix, the UTC time and 8 random hex digits (30 characters). */
    static String freshDatabaseName() {
        return DATABASE_PREFIX + STAMP.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The connection string as the driver reads it. */
    public ConnectionString connectionString() {
        return parse(uri);
    }

    /** What each application process gets in its environment: the connection string as given and the run's database. */
    public Map<String, String> applicationEnvironment() {
        return Map.of(APP_URI_VARIABLE, uri, APP_DATABASE_VARIABLE, database);
    }

    /** For logs: the hosts and the database, with no user name or password. */
    public String describe() {
        ConnectionString parsed = connectionString();
        return (parsed.isSrvProtocol() ? "mongodb+srv://" : "mongodb://") + String.join(",", parsed.getHosts())
                + (parsed.getCredential() == null ? "" : " (with credentials)") + ", database " + database;
    }

    /**
     * Drops the run's database. Best effort: a failure is printed and {@code false} returned, never thrown (the tests'
     * own outcome matters more than the clean-up; a database left behind has the {@value #DATABASE_PREFIX} prefix).
     */
    public boolean dropDatabase() {
        ConnectionString parsed = connectionString();
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(parsed);
        if (parsed.getServerSelectionTimeout() == null) { // a store that is gone costs 10 s, not the driver's 30
            settings.applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS));
        }
        try (MongoClient client = MongoClients.create(settings.build())) {
            client.getDatabase(database).drop();
            System.out.println(Instant.now() + " ExternalStore: dropped the run's database on " + describe());
            return true;
        } catch (RuntimeException e) {
            System.err.println(Instant.now() + " ExternalStore: could not drop the run's database on " + describe()
                                       + ": " + e + " (drop it by hand)");
            return false;
        }
    }

    private static ConnectionString parse(String uri) {
        try {
            return new ConnectionString(uri);
        } catch (RuntimeException e) {
            // the driver's message names the part that is wrong; the user information is blanked out of it, and the
            // driver's exception is not chained, so that no stack trace prints a password
            throw new IllegalArgumentException(URI_VARIABLE + " is not a MongoDB connection string (expected "
                    + "mongodb://[user:password@]host[:port][,host...][/authDatabase][?options] or mongodb+srv://...): "
                    + redact(String.valueOf(e.getMessage()), uri));
        }
    }

    /** {@code message} without the user information of {@code uri} (what lies between "://" and the last '@'). */
    static String redact(String message, String uri) {
        if (uri == null) {
            return message;
        }
        int scheme = uri.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = uri.indexOf('/', start);
        String authority = end < 0 ? uri.substring(start) : uri.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return message;
        }
        String userInfo = authority.substring(0, at);
        String redacted = message.replace(userInfo, "***");
        int colon = userInfo.indexOf(':');
        if (colon >= 0 && colon + 1 < userInfo.length()) {
            redacted = redacted.replace(userInfo.substring(colon + 1), "***");
        }
        return redacted;
    }

    @Override
    public String toString() {
        return "ExternalStore[" + describe() + "]";
    }
}
