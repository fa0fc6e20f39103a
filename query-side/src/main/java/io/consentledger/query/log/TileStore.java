package io.consentledger.query.log;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileId;
import io.consentledger.verifiable.tiles.TileLog;
import org.bson.Document;
import org.bson.types.Binary;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * The tree in MongoDB: tlog tiles in {@code log_tiles} ({@code {_id: "L/N", level, index, width, hashes}}) and the
 * tree's size in one document of {@code log_tree} ({@code {_id: "tree", size, root, updatedAt}}). Every read is by
 * {@code _id}; a tile is only ever replaced by a wider one, and the size only grows (compare and set), so a batch
 * written twice (redelivery, or a former owner still finishing) changes nothing.
 */
public final class TileStore implements TileLog.TileFetcher {

    public static final String TILES = "log_tiles";
    public static final String TREE = "log_tree";
    static final String TREE_ID = "tree";

    private final MongoCollection<Document> tiles;
    private final MongoCollection<Document> tree;
    private final TileLog tileLog;

    public TileStore(MongoDatabase database) {
        this.tiles = database.getCollection(TILES);
        this.tree = database.getCollection(TREE);
        this.tileLog = new TileLog(this);
    }

    public TileLog tileLog() {
        return tileLog;
    }

    @Override
    public List<Tile> fetch(List<TileId> ids) {
        List<String> keys = ids.stream().map(TileId::key).distinct().toList();
        List<Tile> found = new ArrayList<>(keys.size());
        for (Document document : tiles.find(in("_id", keys))) {
            found.add(new Tile(document.getInteger("level"), document.get("index", Number.class).longValue(),
                               document.get("hashes", Binary.class).getData()));
        }
        return found;
    }

    /**
     * Upserts tiles, each only over a narrower (or equal) stored version: one round trip per tile, a handful per
     * batch (the tiles a batch touches at each level).
     */
    public void store(List<Tile> newTiles) {
        if (newTiles.isEmpty()) {
            return;
        }
        for (Tile tile : newTiles) {
            Document document = new Document("_id", tile.id().key()).append("level", tile.id().level())
                                                                    .append("index", tile.id().index())
                                                                    .append("width", tile.width())
                                                                    .append("hashes", new Binary(tile.bytes()));
            Document narrowerOrSame = new Document("_id", tile.id().key())
                    .append("width", new Document("$lte", tile.width()));
            try {
                tiles.replaceOne(narrowerOrSame, document, new ReplaceOptions().upsert(true));
            } catch (MongoWriteException e) {
                // a duplicate key: the stored tile is wider already (written by an owner further along); keep it
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }

    /** The size of the stored tree (0 before the first append). */
    public long size() {
        Document state = tree.find(eq("_id", TREE_ID)).first();
        return state == null ? 0 : state.get("size", Number.class).longValue();
    }

    /**
     * Moves the tree's size from {@code from} to {@code to} (its tiles are stored already); false when the stored
     * size is no longer {@code from} (another owner moved it).
     */
    public boolean advance(long from, long to, byte[] root) {
        if (to <= from) {
            throw new IllegalArgumentException("the tree only grows: " + from + " -> " + to);
        }
        Document update = new Document("$set", new Document("size", to).append("root", Hashes.base64(root))
                                                                       .append("updatedAt", new Date()));
        if (from == 0) {
            try {
                tree.insertOne(new Document("_id", TREE_ID).append("size", to).append("root", Hashes.base64(root))
                                                           .append("updatedAt", new Date()));
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                return false;
            }
        }
        return tree.updateOne(new Document("_id", TREE_ID).append("size", from), update).getModifiedCount() == 1;
    }
}
