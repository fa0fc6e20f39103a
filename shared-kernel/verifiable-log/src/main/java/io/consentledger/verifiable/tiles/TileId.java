package io.consentledger.verifiable.tiles;

/**
 * A tile of the tlog-tiles layout: tile {@code index} at tile {@code level} holds the hashes of the tree nodes at
 * tree level {@code 8 * level}, indices {@code [256 * index, 256 * index + width)}. {@code width} is 256 for a full
 * tile, less for the partial tile at the right edge.
 * <p>
 * {@link #key()} is the storage key ({@code "level/index"}): one document per tile position, replaced by a wider
 * version as the tile fills, since a wider tile starts with exactly the hashes of the narrower one.
 */
public record TileId(int level, long index, int width) {

    public TileId {
        if (level < 0 || index < 0 || width < 1 || width > Tiles.WIDTH) {
            throw new IllegalArgumentException("no such tile: " + level + "/" + index + " width " + width);
        }
    }

    /** The storage key, the same for every width: {@code "<level>/<index>"}. */
    public String key() {
        return key(level, index);
    }

    public static String key(int level, long index) {
        return level + "/" + index;
    }

    public boolean isFull() {
        return width == Tiles.WIDTH;
    }

    /** The C2SP tlog-tiles path, e.g. {@code tile/0/x001/234.p/7}, for serving tiles statically later. */
    public String path() {
        StringBuilder path = new StringBuilder("tile/").append(level).append('/');
        String digits = Long.toString(index);
        int pad = (3 - digits.length() % 3) % 3;
        digits = "0".repeat(pad) + digits;
        for (int i = 0; i < digits.length(); i += 3) {
            if (i + 3 < digits.length()) {
                path.append('x').append(digits, i, i + 3).append('/');
            } else {
                path.append(digits, i, i + 3);
            }
        }
        if (!isFull()) {
            path.append(".p/").append(width);
        }
        return path.toString();
    }

    @Override
    public String toString() {
        return key() + (isFull() ? "" : "(" + width + ")");
    }
}
