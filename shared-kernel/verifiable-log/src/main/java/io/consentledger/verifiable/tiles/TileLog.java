package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.merkle.HashSource;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.merkle.NodeId;

import java.util.List;

/**
 * The tree over a tile store, one round trip per operation: each method asks its {@link TileFetcher} once for every
 * tile it needs (one {@code find({_id: {$in: keys}})}), then computes the result in memory.
 */
public final class TileLog {

    /** Reads stored tiles by key; tiles that are not stored are simply absent from the answer. */
    @FunctionalInterface
    public interface TileFetcher {
        List<Tile> fetch(List<TileId> tiles);
    }

    private final TileFetcher fetcher;

    public TileLog(TileFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** The root of the tree of {@code size} leaves: what a checkpoint of that size signs. */
    public byte[] root(long size) {
        return size == 0 ? Hashes.emptyRoot() : MerkleProofs.root(size, fetch(Tiles.tilesForRoot(size)));
    }

    public InclusionProof inclusion(long index, long size) {
        return MerkleProofs.inclusion(index, size, fetch(Tiles.tilesForInclusion(index, size)));
    }

    public ConsistencyProof consistency(long from, long to) {
        return MerkleProofs.consistency(from, to, fetch(Tiles.tilesForConsistency(from, to)));
    }

    /** The leaf hash the tree holds for {@code index} (from its level-0 tile), e.g. for an export line. */
    public byte[] leafHash(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        TileId tile = Tiles.tileFor(new NodeId(0, index));
        return fetch(List.of(tile)).hash(new NodeId(0, index));
    }

    /**
     * The tiles to upsert (by {@link TileId#key()}) to append {@code newLeafHashes} to the tree of {@code size}
     * leaves. Appends must be serialised (one writer); persist the tiles before signing a checkpoint of the new size.
     */
    public List<Tile> append(long size, List<byte[]> newLeafHashes) {
        if (newLeafHashes.isEmpty()) {
            return List.of();
        }
        List<TileId> edge = Tiles.edgeTiles(size);
        return TileAppender.append(size, edge.isEmpty() ? List.of() : fetcher.fetch(edge), newLeafHashes);
    }

    /** One round trip for all the tiles (none when nothing is needed). */
    private HashSource fetch(List<TileId> tiles) {
        return Tiles.hashSource(tiles.isEmpty() ? List.of() : fetcher.fetch(tiles));
    }
}
