package io.consentledger.contracts.audit;

import java.util.List;

/**
 * One page of the access history; {@code nextCursor} is null on the last page.
 *
 * @param checkpoint for a point-in-time answer, the checkpoint it was read at; null for an answer of today. No
 *                   two-argument constructor on purpose: code that copies a page must carry the checkpoint over.
 */
public record AccessPage(List<AccessRecord> records, String nextCursor, LogCheckpoint checkpoint) {
}
