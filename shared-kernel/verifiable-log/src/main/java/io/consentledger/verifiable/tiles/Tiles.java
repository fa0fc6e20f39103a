package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.HashSource;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.merkle.NodeId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tlog-tiles layout with tile height 8 (as golang.org/x/mod/sumdb/tlog and C2SP tlog-tiles use), and the pure
 * functions around it: which tiles a root or proof needs (so the caller fetches them all in one {@code $in} on
 * {@code _id}), and a {@link HashSource} over the fetched tiles.
 * <p>
 * A complete subtree at tree level {@code l} is read from the tile at tile level {@code l / 8}: it is the hash of the
 * {@code 2^(l mod 8)} consecutive hashes under it in that tile.
 */
public final class Tiles {

    /** Tree levels per tile. */
    public static final int HEIGHT = 8;
    /** Hashes in a full tile: 2^HEIGHT. */
    public static final int WIDTH = 1 << HEIGHT;

    private Tiles() {
    }

    /** The tile holding the hashes under {@code node}, with the width it needs at least. */
    public static TileId tileFor(NodeId node) {
        int level = node.level() / HEIGHT;
        int below = node.level() % HEIGHT;
        long first = node.index() << below;
        long end = (node.index() + 1) << below;
        long index = first / WIDTH;
        return new TileId(level, index, (int) (end - index * WIDTH));
    }

    /** The tiles holding the given nodes, one per tile position (the widest needed), ordered by level and index. */
    public static List<TileId> tilesFor(Collection<NodeId> nodes) {
        Map<String, TileId> byKey = new LinkedHashMap<>();
        for (NodeId node : nodes) {
            TileId tile = tileFor(node);
            byKey.merge(tile.key(), tile, (a, b) -> a.width() >= b.width() ? a : b);
        }
        List<TileId> tiles = new ArrayList<>(byKey.values());
        tiles.sort(Comparator.comparingInt(TileId::level).thenComparingLong(TileId::index));
        return tiles;
    }

    /** The tiles needed for the root of the tree of {@code size} leaves. */
    public static List<TileId> tilesForRoot(long size) {
        return tilesFor(MerkleProofs.nodesForRoot(size));
    }

    /** The tiles needed for the inclusion proof of leaf {@code index} in the tree of {@code size} leaves. */
    public static List<TileId> tilesForInclusion(long index, long size) {
        return tilesFor(MerkleProofs.nodesForInclusion(index, size));
    }

    /** The tiles needed for the consistency proof from size {@code from} to size {@code to}. */
    public static List<TileId> tilesForConsistency(long from, long to) {
        return tilesFor(MerkleProofs.nodesForConsistency(from, to));
    }

    /**
     * The partial tiles at the right edge of the tree of {@code size} leaves, at most one per level: what
     * {@link TileAppender#append} needs to read before it appends.
     */
    public static List<TileId> edgeTiles(long size) {
        List<TileId> edge = new ArrayList<>();
        long count = size; // hashes at tree level HEIGHT * level
        for (int level = 0; count > 0; level++) {
            int width = (int) (count % WIDTH);
            if (width > 0) {
                edge.add(new TileId(level, count / WIDTH, width));
            }
            count /= WIDTH;
        }
        return edge;
    }

    /** Every tile of the tree of {@code size} leaves (full and partial): for tests and rebuilding. */
    public static List<TileId> allTiles(long size) {
        List<TileId> all = new ArrayList<>();
        long count = size;
        for (int level = 0; count > 0; level++) {
            for (long index = 0; index * WIDTH < count; index++) {
                all.add(new TileId(level, index, (int) Math.min(WIDTH, count - index * WIDTH)));
            }
            count /= WIDTH;
        }
        return all;
    }

    /**
     * A hash source over fetched tiles. A tile wider than needed is fine (a wider tile extends a narrower one); a
     * missing or too narrow tile is an {@link IllegalStateException} naming it.
     */
    public static HashSource hashSource(Collection<Tile> tiles) {
        Map<String, Tile> byKey = new HashMap<>();
        for (Tile tile : tiles) {
            byKey.merge(tile.id().key(), tile, (a, b) -> a.width() >= b.width() ? a : b);
        }
        return node -> {
            TileId needed = tileFor(node);
            Tile tile = byKey.get(needed.key());
            if (tile == null || tile.width() < needed.width()) {
                throw new IllegalStateException("tile " + needed + " is needed for node " + node + " but "
                                                + (tile == null ? "was not fetched" : "has width " + tile.width()));
            }
            int below = node.level() % HEIGHT;
            int first = (int) ((node.index() << below) - needed.index() * WIDTH);
            return subtreeHash(tile, first, 1 << below);
        };
    }

    /** The hash of {@code count} (a power of two) consecutive hashes of a tile, starting at {@code first}. */
    static byte[] subtreeHash(Tile tile, int first, int count) {
        byte[][] level = new byte[count][];
        for (int i = 0; i < count; i++) {
            level[i] = tile.hash(first + i);
        }
        for (int n = count; n > 1; n /= 2) {
            for (int i = 0; i < n / 2; i++) {
                level[i] = Hashes.nodeHash(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }
}
