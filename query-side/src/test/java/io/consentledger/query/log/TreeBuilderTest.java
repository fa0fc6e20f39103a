package io.consentledger.query.log;

import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.tiles.TileLog;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree covers only the contiguous prefix of positions that are committed or sealed, whatever order the commits
 * land in, and ends up the same tree (root) as if they had landed in order; every checkpoint signed on the way
 * extends the one before.
 */
class TreeBuilderTest {

    private static TestStores stores;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeContainer
    static void open() {
        stores = TestStores.open();
    }

    @AfterContainer
    static void close() {
        stores.close();
    }

    record Arrival(List<Long> order, Set<Long> sealed) {
    }

    @Provide
    Arbitrary<Arrival> arrivals() {
        return Arbitraries.integers().between(1, 40).flatMap(n -> {
            List<Long> positions = new ArrayList<>();
            for (long p = 1; p <= n; p++) {
                positions.add(p);
            }
            return Combinators.combine(Arbitraries.shuffle(positions),
                                       Arbitraries.of(positions).set().ofMaxSize(Math.max(0, n / 4)))
                              .as(Arrival::new);
        });
    }

    @Property(tries = 60)
    void aLateCommitEntersTheTreeOnlyOnceThePrefixBelowIsCompleteAndTheTreeIsTheSameInAnyOrder(
            @ForAll("arrivals") Arrival arrival) {
        MongoDatabase database = stores.client().getDatabase("tree-" + DATABASES.incrementAndGet());
        try {
            long n = arrival.order().size();
            LogFixtures.allocate(database, n);
            TreeBuilder builder = LogFixtures.builder(database, Duration.ZERO);
            TileStore tiles = new TileStore(database);
            Set<Long> landed = new HashSet<>();
            for (long position : arrival.order()) {
                database.getCollection("events").insertOne(arrival.sealed().contains(position)
                                                                   ? LogFixtures.tombstone(position)
                                                                   : LogFixtures.commit(position));
                landed.add(position);
                builder.catchUp();
                long prefix = 0;
                while (landed.contains(prefix + 1)) {
                    prefix++;
                }
                assertThat(tiles.size()).as("tree size after %s landed", landed).isEqualTo(prefix + 1);
            }
            List<LogEntry> expected = LogFixtures.expected(n, arrival.sealed());
            TileLog reference = LogFixtures.inMemory(expected);
            assertThat(Hashes.base64(tiles.tileLog().root(n + 1))).isEqualTo(Hashes.base64(reference.root(n + 1)));

            MongoCheckpointHistory history = new MongoCheckpointHistory(database);
            SignedCheckpoint latest = history.latest().orElseThrow();
            assertThat(latest.treeSize()).isEqualTo(n + 1);
            SignedCheckpoint previous = null;
            for (long seq = 0; seq <= history.latestNumbered().orElseThrow().seq(); seq++) {
                SignedCheckpoint checkpoint = history.bySeq(seq).orElseThrow().checkpoint();
                Checkpoint opened = Checkpoint.open(checkpoint.note(), LogFixtures.KEY.verifier());
                assertThat(opened.size()).isEqualTo(checkpoint.treeSize());
                assertThat(opened.rootHash()).isEqualTo(reference.root(checkpoint.treeSize()));
                if (previous != null) {
                    assertThat(checkpoint.treeSize()).isGreaterThan(previous.treeSize());
                    assertThat(checkpoint.signedAt()).isAfterOrEqualTo(previous.signedAt());
                    tiles.tileLog().consistency(previous.treeSize(), checkpoint.treeSize())
                         .verify(Hashes.fromBase64(previous.rootHashBase64()), opened.rootHash());
                }
                assertThat(history.atSize(checkpoint.treeSize())).contains(checkpoint);
                assertThat(history.latestSignedAtOrBefore(checkpoint.signedAt()).orElseThrow().treeSize())
                        .isGreaterThanOrEqualTo(checkpoint.treeSize());
                previous = checkpoint;
            }
            SignedCheckpoint first = history.bySeq(0).orElseThrow().checkpoint();
            assertThat(history.latestSignedAtOrBefore(first.signedAt().minusMillis(1))).isEmpty();
            assertThat(history.latestSignedAtOrBefore(Instant.now().plusSeconds(60))).contains(latest);
        } finally {
            database.drop();
        }
    }

    @Property(tries = 20)
    void aBatchDeliveredAgainChangesNothing(@ForAll("arrivals") Arrival arrival) {
        MongoDatabase database = stores.client().getDatabase("again-" + DATABASES.incrementAndGet());
        try {
            long n = arrival.order().size();
            LogFixtures.allocate(database, n);
            for (long position = 1; position <= n; position++) {
                database.getCollection("events").insertOne(LogFixtures.commit(position));
            }
            TreeBuilder first = LogFixtures.builder(database, Duration.ZERO);
            TreeBuilder second = LogFixtures.builder(database, Duration.ZERO);
            first.grow();
            String root = new TileStore(database).tileLog().root(n + 1).length + ":"
                          + Hashes.base64(new TileStore(database).tileLog().root(n + 1));
            // a former owner replaying an older batch: narrower tiles must not replace wider ones
            TileStore tiles = new TileStore(database);
            tiles.store(tiles.tileLog().append(0, LogFixtures.expected(n, Set.of()).subList(0, 1).stream()
                                                             .map(LogEntry::leafHash).toList()));
            assertThat(tiles.advance(0, 1, new byte[32])).isFalse();
            second.grow();
            assertThat(tiles.size()).isEqualTo(n + 1);
            assertThat("32:" + Hashes.base64(tiles.tileLog().root(n + 1))).isEqualTo(root);
        } finally {
            database.drop();
        }
    }
}
