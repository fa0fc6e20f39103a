package io.consentledger.query.log;

import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.EventLog;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.leaf.SealedGap;
import io.consentledger.verifiable.leaf.StoredEvent;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.tiles.Tile;
import io.consentledger.verifiable.tiles.TileLog;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Commit documents written straight into a store, in any order, and a tree builder over it. */
final class LogFixtures {

    static final NoteSigner KEY = NoteSigner.fromSeed("test.consent-ledger/log", new byte[32]);

    private LogFixtures() {
    }

    /** A one-event commit at {@code position}, in the event store's schema (docs/event-store.md). */
    static Document commit(long position) {
        String eventId = "event-" + position;
        Document event = new Document("eventId", eventId).append("aggregateType", "Thing")
                                                         .append("aggregateId", "thing-" + position)
                                                         .append("sequenceNumber", 0L)
                                                         .append("timestamp", "2026-03-01T09:30:0" + (position % 10) + "Z")
                                                         .append("payloadType", "test.Opened")
                                                         .append("payloadRevision", null)
                                                         .append("payload", new Document("id", "thing-" + position)
                                                                 .append("amount", "12.50"))
                                                         .append("metaData", new Document("correlationId", "c-" + position));
        return new Document("_id", position).append("positions", List.of(position))
                                            .append("seqKeys", List.of("thing-" + position + "/0"))
                                            .append("eventIds", List.of(eventId))
                                            .append("events", List.of(event));
    }

    static Document tombstone(long position) {
        return new Document("_id", position).append("positions", List.of(position)).append("tombstone", true);
    }

    /** Allocates positions up to {@code head}, as the position counter would. */
    static void allocate(MongoDatabase database, long head) {
        database.getCollection("events_positions").replaceOne(
                new Document("_id", "global"), new Document("_id", "global").append("value", head),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }

    static TreeBuilder builder(MongoDatabase database, Duration interval) {
        return new TreeBuilder(new LogEntries(new EventLog(database)), new TileStore(database),
                               new MongoCheckpointHistory(database),
                               LogSigningKey.resolve(KEY.skey(), "ignored", null), Clock.systemUTC(), interval, 7);
    }

    /** The entries a log of positions 1..n holds (position 0 and sealed positions as gaps). */
    static List<LogEntry> expected(long n, java.util.Set<Long> sealed) {
        List<LogEntry> entries = new ArrayList<>();
        entries.add(new SealedGap(0));
        for (long p = 1; p <= n; p++) {
            entries.add(sealed.contains(p) ? new SealedGap(p) : LogEntries.toEntry(raw(commit(p), p)));
        }
        return entries;
    }

    private static EventLog.RawPosition raw(Document commit, long position) {
        Document event = commit.getList("events", Document.class).get(0);
        return new EventLog.RawEvent(position, event.getString("eventId"), event.getString("aggregateType"),
                                     event.getString("aggregateId"), event.getLong("sequenceNumber"),
                                     event.getString("timestamp"), event.getString("payloadType"), null,
                                     event.get("payload", Document.class).toJson(
                                             org.bson.json.JsonWriterSettings.builder()
                                                                             .outputMode(org.bson.json.JsonMode.RELAXED)
                                                                             .build()),
                                     event.get("metaData", Document.class).toJson(
                                             org.bson.json.JsonWriterSettings.builder()
                                                                             .outputMode(org.bson.json.JsonMode.RELAXED)
                                                                             .build()));
    }

    /** A tree held in memory, for reference roots. */
    static TileLog inMemory(List<LogEntry> entries) {
        Map<String, Tile> store = new HashMap<>();
        TileLog log = new TileLog(ids -> ids.stream().map(id -> store.get(id.key()))
                                            .filter(java.util.Objects::nonNull).toList());
        List<byte[]> hashes = entries.stream().map(LogEntry::leafHash).toList();
        for (Tile tile : log.append(0, hashes)) {
            store.put(tile.id().key(), tile);
        }
        return log;
    }

    static StoredEvent event(LogEntry entry) {
        return (StoredEvent) entry;
    }
}
