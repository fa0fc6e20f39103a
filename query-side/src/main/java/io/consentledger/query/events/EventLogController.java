package io.consentledger.query.events;

import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import io.consentledger.eventstore.privacy.PersonalDataException;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The raw event log, for auditors: events in global order with their metadata, as stored. */
@RestController
@RequestMapping("/api/v1/audit")
public class EventLogController {

    static final int MAX_EVENTS_PER_PAGE = 1000;
    /** How many positions one page of the event log may look at, so a rare filter cannot pin a request. */
    static final int MAX_POSITIONS_PER_PAGE = 50_000;

    private final EventLog eventLog;
    private final PersonalDataCodec personalData;

    public EventLogController(EventLog eventLog, PersonalDataCodec personalData) {
        this.eventLog = eventLog;
        this.personalData = personalData;
    }

    /**
     * Raw events in global order, with metadata. {@code after} is a global position, or, with {@code aggregateId},
     * a sequence number. {@code type} takes simple or full payload type names, comma-separated.
     */
    @GetMapping("/events")
    public EventLog.Page events(@RequestParam(required = false) String aggregateId,
                                @RequestParam(required = false) String type,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                                @RequestParam(required = false) Long after,
                                @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_EVENTS_PER_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_EVENTS_PER_PAGE);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        // without aggregateId, after is a global position (from 0); with it, a sequence number (from -1)
        if (after != null && after < (aggregateId != null ? -1 : 0)) {
            throw new IllegalArgumentException("after must be at least " + (aggregateId != null ? -1 : 0)
                    + (aggregateId != null ? " (a sequence number)" : " (a global position)"));
        }
        Set<String> types = type == null ? Set.of()
                : Arrays.stream(type.split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
        long start = after != null ? after : (aggregateId != null ? -1 : 0);
        EventLog.Page page = eventLog.read(new EventLog.Filter(aggregateId, types, from, to), start, limit, MAX_POSITIONS_PER_PAGE);
        return new EventLog.Page(page.events().stream().map(this::revealed).toList(), page.cursor(), page.complete());
    }

    /**
     * Issue 16: personal fields as plain values (null once the customer is erased). A ciphertext that does not
     * decrypt is shown as stored: the integrity monitor and the verifier name an edited event.
     */
    private EventLog.StoredEvent revealed(EventLog.StoredEvent event) {
        try {
            Map<String, Object> payload = personalData.reveal(event.eventId(), event.payload());
            return payload == event.payload() ? event : new EventLog.StoredEvent(event.position(), event.eventId(),
                    event.aggregateType(), event.aggregateId(), event.sequenceNumber(), event.payloadType(),
                    event.payloadRevision(), event.timestamp(), payload, event.metaData());
        } catch (PersonalDataException unreadable) {
            return event;
        }
    }
}
