package io.consentledger.query.notification;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The thin body of a notification: what happened, to which consent, link or share, and where in the log; no personal
 * data (no customer id, no amounts, no account ids). Receivers fetch details through the API they are allowed to use.
 * Absent fields are left out of the JSON. {@code type} is the wire name ({@code consent.revoked}); {@code position}
 * is the event's global position in the ledger's log; {@code occurredAt} is the event's own time, ISO-8601 UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "eventId", "position", "occurredAt", "consentId", "linkId", "linkIds", "shareId",
        "status", "reason", "initiator"})
public record Notification(String type,
                           String eventId,
                           long position,
                           Instant occurredAt,
                           String consentId,
                           String linkId,
                           List<String> linkIds,
                           String shareId,
                           String status,
                           String reason,
                           String initiator) {

    public Notification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        linkIds = linkIds == null || linkIds.isEmpty() ? null : List.copyOf(linkIds);
    }

    public NotificationType notificationType() {
        return NotificationType.fromWireName(type).orElseThrow();
    }

    /**
     * The ping {@code POST /api/v1/webhooks/{id}/test} sends. Its {@code eventId} is made up by the caller (no ledger
     * event stands behind it) and its position is 0.
     */
    public static Notification ping(String pingId, Instant at) {
        return new Notification(NotificationType.WEBHOOK_PING.wireName(), pingId, 0, at, null, null, null, null,
                null, null, null);
    }
}
