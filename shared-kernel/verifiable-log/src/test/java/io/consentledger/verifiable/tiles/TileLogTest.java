package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.LeafHashes;
import io.consentledger.verifiable.merkle.MerkleProofs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tree over a map standing in for the tile collection, counting round trips. */
class TileLogTest {

    private final Map<String, Tile> collection = new HashMap<>();
    private final List<List<TileId>> roundTrips = new ArrayList<>();
    private final TileLog log = new TileLog(ids -> {
        roundTrips.add(ids);
        return ids.stream().map(id -> collection.get(id.key())).filter(t -> t != null).toList();
    });

    @Test
    void everyOperationIsOneRoundTripAndMatchesTheNaiveTree() {
        List<byte[]> leaves = TilesPropertiesTest.leaves(70_000);
        int size = 0;
        for (int batch : new int[] {1, 255, 300, 5000, 64_444}) {
            roundTrips.clear();
            log.append(size, leaves.subList(size, size + batch)).forEach(t -> collection.put(t.id().key(), t));
            assertThat(roundTrips).hasSizeLessThanOrEqualTo(1);
            size += batch;
        }
        LeafHashes naive = new LeafHashes(leaves);
        byte[] root = MerkleProofs.root(size, naive);

        roundTrips.clear();
        assertThat(log.root(size)).isEqualTo(root);
        log.inclusion(12_345, size).verify(leaves.get(12_345), root);
        log.consistency(65_537, size).verify(MerkleProofs.root(65_537, naive), root);
        assertThat(log.leafHash(69_999, size)).isEqualTo(leaves.get(69_999));
        assertThat(roundTrips).hasSize(4);
        assertThat(roundTrips).allSatisfy(ids -> assertThat(ids).hasSizeLessThanOrEqualTo(8));
    }
}
