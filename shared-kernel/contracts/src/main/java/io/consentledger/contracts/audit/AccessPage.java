package io.consentledger.contracts.audit;

import java.util.List;

/** One page of the access history; {@code nextCursor} is null on the last page. */
public record AccessPage(List<AccessRecord> records, String nextCursor) {
}
