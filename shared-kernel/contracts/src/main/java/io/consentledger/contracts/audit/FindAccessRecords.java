package io.consentledger.contracts.audit;

/**
 * Query: one page of the access history.
 *
 * @param cursor      opaque cursor from the previous page, or null for the first page
 * @param newestFirst order of the records
 * @param limit       page size
 * @param asOf        null for today; else only the records whose event the checkpoint's tree covers
 *                    ({@code leafIndex < asOf.treeSize()})
 */
public record FindAccessRecords(AccessFilter filter, String cursor, boolean newestFirst, int limit,
                                LogCheckpoint asOf) {

    public FindAccessRecords(AccessFilter filter, String cursor, boolean newestFirst, int limit) {
        this(filter, cursor, newestFirst, limit, null);
    }
}
