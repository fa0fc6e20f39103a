package io.consentledger.query.auditors;

import io.consentledger.security.Callers;
import io.consentledger.security.Party;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who queried the audit trail, with which filter, when: for auditors and operators, newest first, paged. An operator
 * sees no business identifier: the route instead of the path, parameter names without their values
 * ({@link AuditorQueryLog.Entry#forOperator}).
 */
@RestController
public class AuditorQueriesController {

    static final int MAX_OFFSET = 100_000;

    private final AuditorQueryLog log;

    public AuditorQueriesController(AuditorQueryLog log) {
        this.log = log;
    }

    @GetMapping("/api/v1/audit/auditor-queries")
    public AuditorQueryLog.Page queries(@RequestParam(required = false) String principal,
                                        @RequestParam(required = false) String cursor,
                                        @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > AuditorQueryLog.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be between 1 and " + AuditorQueryLog.MAX_PAGE_SIZE);
        }
        int offset = 0;
        if (cursor != null) {
            if (!cursor.matches("[0-9]{1,6}") || Integer.parseInt(cursor) > MAX_OFFSET) {
                throw new IllegalArgumentException("cursor is not one this endpoint gave out");
            }
            offset = Integer.parseInt(cursor);
        }
        AuditorQueryLog.Page page = log.page(principal, offset, limit);
        AuditorQueryFilter.resultCount(page.entries().size());
        if (Callers.required().is(Party.OPERATOR)) {
            return new AuditorQueryLog.Page(page.entries().stream().map(AuditorQueryLog.Entry::forOperator).toList(),
                                            page.next());
        }
        return page;
    }
}
