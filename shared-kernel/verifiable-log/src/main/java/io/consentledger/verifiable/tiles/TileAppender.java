package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.Hashes;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns new leaf hashes into the tiles to persist, incrementally and without storage of its own.
 * <p>
 * To append leaves {@code size .. size + n - 1}: fetch {@link Tiles#edgeTiles(long) Tiles.edgeTiles(size)} (the
 * partial tiles at the right edge, one {@code $in}), call {@link #append}, and upsert every returned tile by its
 * {@link TileId#key() key}. The result does not depend on how the leaves are batched. Persist the tiles before
 * signing a checkpoint of the new size.
 */
public final class TileAppender {

    private TileAppender() {
    }

    /**
     * The tiles that change when {@code newLeafHashes} are appended to the tree of {@code size} leaves: every touched
     * tile, full or partial, at every level, with its complete new content.
     *
     * @param edgeTiles the stored tiles named by {@code Tiles.edgeTiles(size)} (others are ignored)
     */
    public static List<Tile> append(long size, Collection<Tile> edgeTiles, List<byte[]> newLeafHashes) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        Map<String, Tile> edge = new HashMap<>();
        for (Tile tile : edgeTiles) {
            edge.put(tile.id().key(), tile);
        }
        for (byte[] hash : newLeafHashes) {
            if (hash == null || hash.length != Hashes.SIZE) {
                throw new IllegalArgumentException("a leaf hash has " + Hashes.SIZE + " bytes");
            }
        }
        List<Tile> out = new ArrayList<>();
        List<byte[]> incoming = newLeafHashes;
        long count = size; // hashes already at tree level HEIGHT * level
        for (int level = 0; !incoming.isEmpty(); level++) {
            long index = count / Tiles.WIDTH;
            int kept = (int) (count % Tiles.WIDTH);
            List<byte[]> hashes = new ArrayList<>(kept + incoming.size());
            if (kept > 0) {
                Tile partial = edge.get(TileId.key(level, index));
                if (partial == null || partial.width() < kept) {
                    throw new IllegalStateException("appending to tree size " + size + " needs edge tile "
                                                    + new TileId(level, index, kept) + (partial == null
                                                    ? ", which was not given" : ", but it has width " + partial.width()));
                }
                for (int i = 0; i < kept; i++) {
                    hashes.add(partial.hash(i));
                }
            }
            hashes.addAll(incoming);
            List<byte[]> completed = new ArrayList<>();
            for (int start = 0; start < hashes.size(); start += Tiles.WIDTH) {
                List<byte[]> chunk = hashes.subList(start, Math.min(start + Tiles.WIDTH, hashes.size()));
                Tile tile = new Tile(level, index + start / Tiles.WIDTH, concat(chunk));
                out.add(tile);
                if (tile.isFull()) {
                    completed.add(Tiles.subtreeHash(tile, 0, Tiles.WIDTH));
                }
            }
            incoming = completed;
            count = index;
        }
        return out;
    }

    private static byte[] concat(List<byte[]> hashes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(hashes.size() * Hashes.SIZE);
        for (byte[] hash : hashes) {
            bytes.writeBytes(hash);
        }
        return bytes.toByteArray();
    }
}
