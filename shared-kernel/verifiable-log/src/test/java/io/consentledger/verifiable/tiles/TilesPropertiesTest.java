package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.merkle.HashSource;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.merkle.LeafHashes;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.merkle.NodeId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tiles against the naive tree: roots, proofs from tiles, batching, and the one-round-trip tile lists. */
class TilesPropertiesTest {

    static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            leaves.add(Hashes.leafHash(ByteBuffer.allocate(8).putLong(i * 7919L + 1).array()));
        }
        return leaves;
    }

    /** Applies tile writes as storage would: an upsert by key. */
    static Map<String, Tile> store(Map<String, Tile> stored, Collection<Tile> writes) {
        for (Tile tile : writes) {
            stored.put(tile.id().key(), tile);
        }
        return stored;
    }

    /** Appends in the given batch sizes, fetching the edge tiles from the store each time. */
    static Map<String, Tile> appendInBatches(List<byte[]> leaves, List<Integer> batches) {
        Map<String, Tile> stored = new HashMap<>();
        int size = 0;
        int batch = 0;
        while (size < leaves.size()) {
            int n = Math.min(batches.isEmpty() ? leaves.size() : batches.get(batch++ % batches.size()), leaves.size() - size);
            List<Tile> edge = fetch(stored, Tiles.edgeTiles(size));
            store(stored, TileAppender.append(size, edge, leaves.subList(size, size + n)));
            size += n;
        }
        return stored;
    }

    /** The tiles named, as one {@code $in} on {@code _id} would return them. */
    static List<Tile> fetch(Map<String, Tile> stored, List<TileId> ids) {
        return ids.stream().map(id -> stored.get(id.key())).filter(t -> t != null).toList();
    }

    @Provide
    Arbitrary<List<Integer>> batchSizes() {
        return Arbitraries.integers().between(1, 700).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 60)
    void appendingInAnyBatchingGivesTheSameTiles(@ForAll @IntRange(min = 0, max = 2200) int size,
                                                 @ForAll("batchSizes") List<Integer> batches) {
        List<byte[]> leaves = leaves(size);
        Map<String, Tile> oneShot = appendInBatches(leaves, List.of());
        Map<String, Tile> batched = appendInBatches(leaves, batches);
        assertThat(batched).isEqualTo(oneShot);
        assertThat(oneShot.values().stream().map(Tile::id).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Tiles.allTiles(size));
    }

    @Property(tries = 60)
    void tileRootEqualsNaiveRootAndEveryProofFromTilesVerifies(@ForAll @IntRange(min = 1, max = 1500) int size,
                                                                @ForAll("batchSizes") List<Integer> batches) {
        List<byte[]> leaves = leaves(size);
        Map<String, Tile> stored = appendInBatches(leaves, batches);
        LeafHashes naive = new LeafHashes(leaves);
        byte[] root = naive.naiveRoot(size);

        HashSource rootTiles = Tiles.hashSource(fetch(stored, Tiles.tilesForRoot(size)));
        assertThat(MerkleProofs.root(size, rootTiles)).isEqualTo(root);

        for (int index = 0; index < size; index += 1 + index / 3) {
            List<Tile> fetched = fetch(stored, Tiles.tilesForInclusion(index, size));
            InclusionProof proof = MerkleProofs.inclusion(index, size, Tiles.hashSource(fetched));
            assertThat(proof).isEqualTo(MerkleProofs.inclusion(index, size, naive));
            proof.verify(leaves.get(index), root);
        }
        for (int from = 0; from <= size; from += 1 + from / 3) {
            List<Tile> fetched = fetch(stored, Tiles.tilesForConsistency(from, size));
            ConsistencyProof proof = MerkleProofs.consistency(from, size, Tiles.hashSource(fetched));
            assertThat(proof).isEqualTo(MerkleProofs.consistency(from, size, naive));
            proof.verify(naive.naiveRoot(from), root);
        }
    }

    @Property(tries = 40)
    void proofsForAnOlderTreeSizeReadTheWiderTilesOfTheGrownTree(@ForAll("sizes") int[] sizes) {
        int older = sizes[0];
        int newer = sizes[1];
        List<byte[]> leaves = leaves(newer);
        Map<String, Tile> stored = appendInBatches(leaves, List.of(97));
        LeafHashes naive = new LeafHashes(leaves);
        byte[] olderRoot = naive.naiveRoot(older);
        assertThat(MerkleProofs.root(older, Tiles.hashSource(fetch(stored, Tiles.tilesForRoot(older))))).isEqualTo(olderRoot);
        int index = older / 2;
        MerkleProofs.inclusion(index, older, Tiles.hashSource(fetch(stored, Tiles.tilesForInclusion(index, older))))
                    .verify(leaves.get(index), olderRoot);
    }

    @Provide
    Arbitrary<int[]> sizes() {
        return Combinators.combine(Arbitraries.integers().between(1, 1200), Arbitraries.integers().between(0, 1200))
                          .as((a, b) -> new int[] {a, a + b});
    }

    @Property(tries = 200)
    void aProofNeedsAHandfulOfTiles(@ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int size,
                                    @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int at) {
        long index = at % size;
        // at most one tile per level on each side of the path: a handful for any realistic log
        assertThat(Tiles.tilesForInclusion(index, size)).hasSizeLessThanOrEqualTo(8);
        assertThat(Tiles.tilesForConsistency(index, size)).hasSizeLessThanOrEqualTo(12);
        assertThat(Tiles.tilesForRoot(size)).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void tilePathsAreTheTlogTilesPaths() {
        assertThat(new TileId(0, 1234067, 256).path()).isEqualTo("tile/0/x001/x234/067");
        assertThat(new TileId(1, 5, 7).path()).isEqualTo("tile/1/005.p/7");
        assertThat(new TileId(2, 0, 256).path()).isEqualTo("tile/2/000");
        assertThat(new TileId(0, 1000, 256).path()).isEqualTo("tile/0/x001/000");
        assertThat(new TileId(3, 17, 9).key()).isEqualTo("3/17");
    }

    @Test
    void edgeTilesAreThePartialTilesAtTheRightEdge() {
        assertThat(Tiles.edgeTiles(0)).isEmpty();
        assertThat(Tiles.edgeTiles(256)).containsExactly(new TileId(1, 0, 1));
        assertThat(Tiles.edgeTiles(256 * 256 + 3)).containsExactly(new TileId(0, 256, 3), new TileId(2, 0, 1));
        assertThat(Tiles.edgeTiles(300)).containsExactly(new TileId(0, 1, 44), new TileId(1, 0, 1));
    }

    @Test
    void nodesMapToTheirTiles() {
        assertThat(Tiles.tileFor(new NodeId(0, 300))).isEqualTo(new TileId(0, 1, 45));
        assertThat(Tiles.tileFor(new NodeId(3, 40))).isEqualTo(new TileId(0, 1, 72));
        assertThat(Tiles.tileFor(new NodeId(8, 2))).isEqualTo(new TileId(1, 0, 3));
        assertThat(Tiles.tileFor(new NodeId(16, 0))).isEqualTo(new TileId(2, 0, 1));
    }

    @Test
    void aMissingOrNarrowTileIsNamed() {
        List<byte[]> leaves = leaves(20);
        List<Tile> tiles = TileAppender.append(0, List.of(), leaves.subList(0, 10));
        assertThatThrownBy(() -> MerkleProofs.root(20, Tiles.hashSource(tiles)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("0/0");
        assertThatThrownBy(() -> TileAppender.append(10, List.of(), leaves.subList(10, 20)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("edge tile 0/0");
    }
}
