package io.consentledger.contracts.audit;

/**
 * Query: one page of the access history.
 *
 * @param cursor      opaque cursor from the previous page, or null for the first page
 * @param newestFirst order of the records
 * @param limit       page size
 */
public record FindAccessRecords(AccessFilter filter, String cursor, boolean newestFirst, int limit) {
}
