package io.consentledger.query.audit;

import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.audit.FindRecipientsOfCustomer;
import io.consentledger.eventstore.EventLog;
import io.consentledger.query.compliance.ComplianceReport;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The auditors' questions, one endpoint each, and the raw event log. */
@RestController
@RequestMapping("/api/v1/audit")
public class AuditController {

    static final int MAX_EVENTS_PER_PAGE = 1000;
    /** How many positions one page of the event log may look at, so a rare filter cannot pin a request. */
    static final int MAX_POSITIONS_PER_PAGE = 50_000;

    private final QueryGateway queries;
    private final EventLog eventLog;

    public AuditController(QueryGateway queries, EventLog eventLog) {
        this.queries = queries;
        this.eventLog = eventLog;
    }

    /** Which recipients saw data of this customer between {@code from} and {@code to}, and for which purposes? */
    @GetMapping("/customers/{customerId}/recipients")
    public List<RecipientAccess> recipientsOfCustomer(
            @PathVariable String customerId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        return queries.query(new FindRecipientsOfCustomer(customerId, from, to),
                             ResponseTypes.multipleInstancesOf(RecipientAccess.class)).join();
    }

    /** Was any data shared outside a consent? Answered from the events; each violation is listed. */
    @GetMapping("/compliance")
    public ComplianceReport compliance(@RequestParam(required = false) String consentId) {
        return queries.query(new CheckCompliance(consentId), ResponseTypes.instanceOf(ComplianceReport.class)).join();
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
        Set<String> types = type == null ? Set.of()
                : Arrays.stream(type.split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
        long start = after != null ? after : (aggregateId != null ? -1 : 0);
        return eventLog.read(new EventLog.Filter(aggregateId, types, from, to), start, limit, MAX_POSITIONS_PER_PAGE);
    }
}
