package io.consentledger.query;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import io.consentledger.query.log.CheckpointHistory;
import io.consentledger.query.log.SignedCheckpoint;
import io.consentledger.query.log.TileStore;
import io.consentledger.query.log.TreeBuilder;
import io.consentledger.query.log.TreeOwnership;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two query-side instances on one store: exactly one (the owner of the verifiable-log processor's segment) builds
 * the tree and signs; when it stops, the other takes over; every checkpoint either signed extends the one before.
 */
class VerifiableLogInstancesTest {

    private static final NoteSigner KEY = NoteSigner.generate("instances.consent-ledger.example/log");

    private final EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
        server.close();
    }

    /**
     * Axon's token store names a node by its JVM ({@code pid@host}): two instances in one JVM would both hold every
     * claim. Separate processes are distinct nodes; here each context gets a node id of its own, as they would.
     */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class DistinctNode {
        @org.springframework.context.annotation.Bean
        org.axonframework.eventhandling.tokenstore.TokenStore tokenStore(
                MongoClient client, io.consentledger.eventstore.spring.LedgerStoreProperties properties,
                @org.springframework.beans.factory.annotation.Qualifier("serializer")
                org.axonframework.serialization.Serializer serializer) {
            return org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore.builder()
                    .mongoTemplate(org.axonframework.extensions.mongo.DefaultMongoTemplate.builder()
                                           .mongoDatabase(client, properties.getMongodb().getDatabase())
                                           .trackingTokensCollectionName("tracking_tokens")
                                           .build())
                    .serializer(serializer)
                    .claimTimeout(properties.getEventStore().getTokenClaimTimeout())
                    .nodeId("instance-" + java.util.UUID.randomUUID())
                    .build();
        }
    }

    private ConfigurableApplicationContext start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(QuerySideApplication.class,
                                                                              DistinctNode.class).run(
                "--server.port=0", "--axon.update-check.disabled=true",
                "--consent-ledger.mongodb.uri=" + server.connectionString(),
                "--consent-ledger.mongodb.database=instances",
                "--consent-ledger.log.signing-key=" + KEY.skey(),
                "--consent-ledger.log.checkpoint-interval=100ms", "--consent-ledger.log.poll-interval=50ms",
                "--logging.structured.format.console=");
        contexts.add(context);
        return context;
    }

    private static TreeBuilder builder(ConfigurableApplicationContext context) {
        return context.getBean(TreeBuilder.class);
    }

    private static boolean owns(ConfigurableApplicationContext context) {
        return context.getBean(TreeOwnership.class).owns();
    }

    @Test
    void exactlyOneInstanceBuildsTheTreeAndTheOtherTakesOverWhenItStops() {
        ConfigurableApplicationContext a = start();
        ConfigurableApplicationContext b = start();
        LedgerScript script = new LedgerScript(a.getBean(EventStore.class));
        for (int i = 0; i < 20; i++) {
            script.link("link-a-" + i, "cust-" + i, "bank-1");
        }
        long head = 20;
        await().atMost(Duration.ofSeconds(30)).until(() -> latest(a).treeSize() > head);
        assertThat(owns(a) ^ owns(b)).as("exactly one instance holds the tree's segment").isTrue();
        ConfigurableApplicationContext owner = owns(a) ? a : b;
        ConfigurableApplicationContext other = owner == a ? b : a;
        assertThat(builder(owner).appendedLeaves()).isGreaterThan(head);
        assertThat(builder(other).appendedLeaves()).as("the other instance appends nothing").isZero();
        assertThat(builder(other).signedCheckpoints()).isZero();

        owner.close();
        LedgerScript more = new LedgerScript(other.getBean(EventStore.class));
        for (int i = 0; i < 20; i++) {
            more.link("link-b-" + i, "cust-" + i, "bank-1");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> latest(other).treeSize() > 2 * head);
        assertThat(owns(other)).isTrue();
        assertThat(builder(other).appendedLeaves()).isGreaterThan(0);
        assertThat(builder(other).signedCheckpoints()).isGreaterThan(0);

        // every checkpoint of either owner: signed by the key, sizes growing, each consistent with the one before
        TileStore tiles = other.getBean(TileStore.class);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            MongoDatabase database = client.getDatabase("instances");
            List<Document> all = new ArrayList<>();
            for (long seq = 0; ; seq++) {
                Document checkpoint = database.getCollection("log_checkpoints").find(new Document("seq", seq)).first();
                if (checkpoint == null) {
                    break;
                }
                all.add(checkpoint);
            }
            assertThat(all.size()).isGreaterThan(1);
            Checkpoint previous = null;
            for (Document document : all) {
                Checkpoint checkpoint = Checkpoint.open(document.getString("note"), KEY.verifier());
                assertThat(checkpoint.rootHash()).isEqualTo(tiles.tileLog().root(checkpoint.size()));
                if (previous != null) {
                    assertThat(checkpoint.size()).isGreaterThan(previous.size());
                    tiles.tileLog().consistency(previous.size(), checkpoint.size())
                         .verify(previous.rootHash(), checkpoint.rootHash());
                }
                previous = checkpoint;
            }
            assertThat(Hashes.base64(previous.rootHash())).isEqualTo(latest(other).rootHashBase64());
        }
    }

    private static SignedCheckpoint latest(ConfigurableApplicationContext context) {
        return context.getBean(CheckpointHistory.class).latest()
                      .orElse(new SignedCheckpoint(0, "", java.time.Instant.EPOCH, ""));
    }
}
