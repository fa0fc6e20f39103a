package io.consentledger.query.access;

import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.AccessPage;
import io.consentledger.contracts.audit.AccessRecord;
import io.consentledger.contracts.audit.FindAccessRecords;
import io.consentledger.contracts.audit.FindRecipientsOfCustomer;
import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.contracts.audit.RecipientAccess;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.query.asof.AsOf;
import io.consentledger.query.asof.PointInTime;
import io.consentledger.query.auditors.AuditorQueryFilter;
import io.consentledger.query.security.Visibility;
import io.consentledger.query.web.BadParameter;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The audit trail: one record per share, filtered, paged with stable cursors, or exported whole; and which recipients
 * saw a customer's data. Providers and recipients see only their own records, whatever they filter on
 * ({@link Visibility#narrow}).
 */
@RestController
@RequestMapping("/api/v1/audit")
public class AccessLogController {

    static final int DEFAULT_PAGE_SIZE = 50;
    private static final String CSV_HEADER = "eventId,globalPosition,sharedAt,dataType,shareId,recipientId,providerId,"
            + "customerId,linkId,consentId,scope,purpose,transactionIds,newTransactionIds,windowFrom,windowTo,"
            + "principal,party,correlationId,leafIndex,erased";

    private final QueryGateway queries;
    private final AccessLogQueries accessLog;
    private final JsonMapper json;
    private final PointInTime pointInTime;

    public AccessLogController(QueryGateway queries, AccessLogQueries accessLog, JsonMapper json,
                               PointInTime pointInTime) {
        this.queries = queries;
        this.pointInTime = pointInTime;
        this.accessLog = accessLog;
        this.json = json;
    }

    /** With {@code asOf} or {@code asOfSize}: the records the log held at that checkpoint, which the page names. */
    @GetMapping("/access")
    public AccessPage list(AccessParams params, AsOf asOf,
                           @RequestParam(defaultValue = "oldest") String order,
                           @RequestParam(required = false) String cursor,
                           @RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int limit) {
        if (limit < 1 || limit > AccessLogQueries.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be between 1 and " + AccessLogQueries.MAX_PAGE_SIZE);
        }
        AccessFilter asked = params.toFilter();
        Caller caller = Callers.required();
        boolean newestFirst = newestFirst(order);
        AccessLogQueries.decodeCursor(cursor, newestFirst); // refuse a malformed cursor before asking
        LogCheckpoint checkpoint = pointInTime.resolve(asOf).orElse(null);
        Optional<AccessFilter> filter = Visibility.narrow(asked);
        if (filter.isEmpty()) {
            AuditorQueryFilter.resultCount(0);
            return new AccessPage(List.of(), null, checkpoint);
        }
        AccessPage page = queries.query(new FindAccessRecords(filter.get(), cursor, newestFirst, limit, checkpoint),
                                        ResponseTypes.instanceOf(AccessPage.class)).join();
        AuditorQueryFilter.resultCount(page.records().size());
        return new AccessPage(page.records().stream().map(r -> Visibility.asSeenBy(caller, r)).toList(),
                              page.nextCursor(), page.checkpoint());
    }

    /**
     * The same filter, streamed as NDJSON (default) or CSV, oldest first, in constant memory. With {@code asOf} or
     * {@code asOfSize}: the records the log held at that checkpoint, which the {@code Ledger-Checkpoint-*} headers
     * name.
     */
    @GetMapping("/access/export")
    public ResponseEntity<StreamingResponseBody> export(AccessParams params, AsOf asOf,
                                                        @RequestParam(defaultValue = "ndjson") String format) {
        Caller caller = Callers.required();
        Optional<AccessFilter> filter = Visibility.narrow(params.toFilter());
        LogCheckpoint checkpoint = pointInTime.resolve(asOf).orElse(null);
        boolean csv = switch (format) {
            case "csv" -> true;
            case "ndjson" -> false;
            default -> throw new IllegalArgumentException("format must be ndjson or csv");
        };
        StreamingResponseBody body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (csv) {
                writer.write(CSV_HEADER);
                writer.write('\n');
            }
            filter.ifPresent(visible -> accessLog.stream(visible, checkpoint, stored -> {
                AccessRecord record = Visibility.asSeenBy(caller, stored);
                try {
                    writer.write(csv ? csvLine(record) : json.writeValueAsString(record));
                    writer.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            writer.flush();
        };
        return ResponseEntity.ok()
                             .headers(checkpoint == null ? null : PointInTime.headers(checkpoint))
                             .contentType(csv ? new MediaType("text", "csv", StandardCharsets.UTF_8)
                                              : MediaType.parseMediaType("application/x-ndjson"))
                             .header(HttpHeaders.CONTENT_DISPOSITION,
                                     "attachment; filename=access-history." + (csv ? "csv" : "ndjson"))
                             .body(body);
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

    /**
     * The filter the access endpoints take, from query parameters. Every field is optional; {@code from} is inclusive and
     * {@code to} exclusive, as ISO-8601 instants.
     */
    public record AccessParams(String customerId, String linkId, String recipientId, String providerId,
                               String consentId, Purpose purpose, Scope scope,
                               @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                               @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {

        AccessFilter toFilter() {
            if (customerId != null && !Visibility.mayFilterByCustomer(Callers.required())) {
                throw new BadParameter(BadParameter.Kind.NOT_ALLOWED, "customerId",
                                       "customerId is not a filter a recipient may use");
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from must be before to");
            }
            return new AccessFilter(customerId, linkId, recipientId, providerId, consentId, purpose, scope, from, to);
        }
    }

    private static boolean newestFirst(String order) {
        return switch (order) {
            case "oldest" -> false;
            case "newest" -> true;
            default -> throw new IllegalArgumentException("order must be oldest or newest");
        };
    }

    static String csvLine(AccessRecord r) {
        return String.join(",", csv(r.eventId()), String.valueOf(r.globalPosition()), csv(r.sharedAt()),
                           csv(r.dataType()), csv(r.shareId()), csv(r.recipientId()), csv(r.providerId()),
                           csv(r.customerId()), csv(r.linkId()), csv(r.consentId()), csv(r.scope()), csv(r.purpose()),
                           csv(ids(r.transactionIds())), csv(ids(r.newTransactionIds())),
                           csv(r.windowFrom()), csv(r.windowTo()), csv(r.principal()), csv(r.party()),
                           csv(r.correlationId()), r.leafIndex() == null ? "" : String.valueOf(r.leafIndex()),
                           String.valueOf(r.erased()));
    }

    /** Space-separated; empty once erased (null). */
    private static String ids(List<String> ids) {
        return ids == null ? null : String.join(" ", ids);
    }

    private static String csv(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        // quote always, double inner quotes, and defuse spreadsheet formulas
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
