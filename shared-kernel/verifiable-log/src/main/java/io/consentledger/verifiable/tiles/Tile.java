package io.consentledger.verifiable.tiles;

import io.consentledger.verifiable.merkle.Hashes;

import java.util.Arrays;

/**
 * A tile's content: its {@code width} hashes concatenated, 32 bytes each, as tlog-tiles serves them. Store it as
 * {@code {_id: id().key(), level, index, width, hashes: <binary>}}.
 */
public final class Tile {

    private final TileId id;
    private final byte[] hashes;

    public Tile(int level, long index, byte[] hashes) {
        if (hashes.length == 0 || hashes.length % Hashes.SIZE != 0 || hashes.length > Tiles.WIDTH * Hashes.SIZE) {
            throw new IllegalArgumentException("a tile holds 1 to " + Tiles.WIDTH + " hashes of " + Hashes.SIZE
                                               + " bytes, not " + hashes.length + " bytes");
        }
        this.id = new TileId(level, index, hashes.length / Hashes.SIZE);
        this.hashes = hashes.clone();
    }

    public TileId id() {
        return id;
    }

    public boolean isFull() {
        return id.isFull();
    }

    public int width() {
        return id.width();
    }

    /** The concatenated hashes (a copy). */
    public byte[] bytes() {
        return hashes.clone();
    }

    /** Hash {@code i} of the tile (0 based). */
    public byte[] hash(int i) {
        if (i < 0 || i >= width()) {
            throw new IndexOutOfBoundsException("tile " + id + " has no hash " + i);
        }
        return Arrays.copyOfRange(hashes, i * Hashes.SIZE, (i + 1) * Hashes.SIZE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tile that && id.equals(that.id) && Arrays.equals(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "Tile " + id;
    }
}
