package io.consentledger.eventstore.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Where the ledger keeps its data and how its event store behaves.
 * <pre>
 * consent-ledger:
 *   mongodb:
 *     uri: ${MONGODB_URI:}          # blank: the embedded store
 *     database: consent-ledger
 *     embedded:
 *       in-memory: false            # true: keep nothing across restarts
 *       file: data/consent-ledger.mv
 *       port: 0                     # 0: any free loopback port
 *   event-store:
 *     write-concern: majority       # or a number of nodes, e.g. 1
 *     journal: true
 *     gap-timeout: 10s
 *     batch-size: 100
 *     fetch-delay: 20ms            # how often an idle event store looks for new events
 * </pre>
 */
@ConfigurationProperties(prefix = "consent-ledger")
public class LedgerStoreProperties {

    private final Mongodb mongodb = new Mongodb();
    private final EventStore eventStore = new EventStore();

    public Mongodb getMongodb() {
        return mongodb;
    }

    public EventStore getEventStore() {
        return eventStore;
    }

    public static class Mongodb {
        /** A MongoDB connection string. Blank: start the embedded store in-process. */
        private String uri = "";
        private String database = "consent-ledger";
        private final Embedded embedded = new Embedded();

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public String getDatabase() {
            return database;
        }

        public void setDatabase(String database) {
            this.database = database;
        }

        public Embedded getEmbedded() {
            return embedded;
        }
    }

    public static class Embedded {
        private boolean inMemory = false;
        private String file = "data/consent-ledger.mv";
        private String host = "127.0.0.1";
        private int port = 0;

        public boolean isInMemory() {
            return inMemory;
        }

        public void setInMemory(boolean inMemory) {
            this.inMemory = inMemory;
        }

        public String getFile() {
            return file;
        }

        public void setFile(String file) {
            this.file = file;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }
    }

    public static class EventStore {
        /** "majority" or a node count. */
        private String writeConcern = "majority";
        private boolean journal = true;
        private Duration gapTimeout = Duration.ofSeconds(10);
        private int batchSize = 100;
        /** How often an idle tracking reader polls for events appended by another process. */
        private Duration fetchDelay = Duration.ofMillis(20);
        private Duration tokenClaimTimeout = Duration.ofSeconds(10);

        public String getWriteConcern() {
            return writeConcern;
        }

        public void setWriteConcern(String writeConcern) {
            this.writeConcern = writeConcern;
        }

        public boolean isJournal() {
            return journal;
        }

        public void setJournal(boolean journal) {
            this.journal = journal;
        }

        public Duration getGapTimeout() {
            return gapTimeout;
        }

        public void setGapTimeout(Duration gapTimeout) {
            this.gapTimeout = gapTimeout;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getFetchDelay() {
            return fetchDelay;
        }

        public void setFetchDelay(Duration fetchDelay) {
            this.fetchDelay = fetchDelay;
        }

        public Duration getTokenClaimTimeout() {
            return tokenClaimTimeout;
        }

        public void setTokenClaimTimeout(Duration tokenClaimTimeout) {
            this.tokenClaimTimeout = tokenClaimTimeout;
        }
    }
}
