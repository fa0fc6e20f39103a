package io.consentledger.query.log;

import io.consentledger.eventstore.EventLog;
import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.leaf.SealedGap;
import io.consentledger.verifiable.leaf.StoredEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads positions of the global log as Merkle leaves. Position 0 is never allocated (the position counter hands out
 * 1 first), so it is a sealed gap by definition: leaf index = position, as the verifier expects, and the tree's size
 * is the next position it will cover.
 */
public final class LogEntries {

    private final EventLog eventLog;

    public LogEntries(EventLog eventLog) {
        this.eventLog = eventLog;
    }

    /**
     * Positions {@code [from, to)} in order: the entry for each committed or sealed position, {@code null} for a
     * position not (yet) known to be either. One round trip.
     */
    public List<LogEntry> read(long from, long to) {
        List<LogEntry> entries = new ArrayList<>((int) (to - from));
        for (EventLog.RawPosition raw : eventLog.readPositions(from, to)) {
            entries.add(toEntry(raw));
        }
        return entries;
    }

    public long head() {
        return eventLog.head();
    }

    static LogEntry toEntry(EventLog.RawPosition raw) {
        if (raw.position() == 0) {
            return new SealedGap(0);
        }
        if (raw instanceof EventLog.SealedPosition sealed) {
            return new SealedGap(sealed.position());
        }
        if (raw instanceof EventLog.RawEvent event) {
            return new StoredEvent(event.position(), event.eventId(), event.aggregateType(), event.aggregateId(),
                                   event.sequenceNumber(), event.timestamp(), event.payloadType(),
                                   event.payloadRevision(), event.payload(), event.metaData());
        }
        return null;
    }
}
