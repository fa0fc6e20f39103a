package io.consentledger.query.notification;

import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.link.LinkStatus;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a ledger event into the notification it causes and the parties that receive it; pure, no I/O.
 * <ul>
 *   <li>Consent events go to the consent's recipient and to its provider.</li>
 *   <li>{@code link.unlinked} goes to the link's provider only: the recipients whose consents covered the link learn
 *       of it through the {@code consent.revoked} (reason {@code ACCOUNT_UNLINKED}) the ledger records next.</li>
 *   <li>{@code share.recorded} ({@link BalanceShared}, {@link TransactionsShared}) goes to the provider and the
 *       recipient of that share only.</li>
 * </ul>
 * Any other event (a link created, a command, an unknown payload) causes no notification.
 */
public final class NotificationMapper {

    private NotificationMapper() {
    }

    /**
     * @param payload  the event's payload
     * @param eventId  the event's identifier (stable; the delivery records are keyed by it)
     * @param position the event's global position in the log
     */
    public static Optional<AddressedNotification> map(Object payload, String eventId, long position) {
        if (payload instanceof ConsentRequested e) {
            return consent(NotificationType.CONSENT_REQUESTED, eventId, position, e.requestedAt(), e.consentId(),
                    e.links() == null ? null : e.links().stream().map(ConsentedLink::linkId).toList(),
                    ConsentStatus.AWAITING_AUTHORISATION, null, null, e.recipientId(), e.providerId());
        }
        if (payload instanceof ConsentAuthorised e) {
            return consent(NotificationType.CONSENT_AUTHORISED, eventId, position, e.authorisedAt(), e.consentId(),
                    null, ConsentStatus.AUTHORISED, null, null, e.recipientId(), e.providerId());
        }
        if (payload instanceof ConsentRejected e) {
            return consent(NotificationType.CONSENT_REJECTED, eventId, position, e.rejectedAt(), e.consentId(),
                    null, ConsentStatus.REJECTED, null, name(e.initiator()), e.recipientId(), e.providerId());
        }
        if (payload instanceof ConsentRevoked e) {
            return consent(NotificationType.CONSENT_REVOKED, eventId, position, e.revokedAt(), e.consentId(),
                    e.linkIds(), ConsentStatus.REVOKED, name(e.reason()), name(e.initiator()), e.recipientId(),
                    e.providerId());
        }
        if (payload instanceof ConsentReauthorised e) {
            return consent(NotificationType.CONSENT_REAUTHORISED, eventId, position, e.reauthorisedAt(),
                    e.consentId(), null, ConsentStatus.AUTHORISED, null, null, e.recipientId(), e.providerId());
        }
        if (payload instanceof ConsentExpired e) {
            return consent(NotificationType.CONSENT_EXPIRED, eventId, position, e.recordedAt(), e.consentId(),
                    e.linkIds(), ConsentStatus.EXPIRED, null, "SYSTEM", e.recipientId(), e.providerId());
        }
        if (payload instanceof BankAccountUnlinked e) {
            Notification n = new Notification(NotificationType.LINK_UNLINKED.wireName(), eventId, position,
                    e.unlinkedAt(), null, e.linkId(), null, null, LinkStatus.UNLINKED.name(), null,
                    name(e.initiator()));
            return Optional.of(new AddressedNotification(n, Set.of(Subscriber.provider(e.providerId())),
                    "link:" + e.linkId()));
        }
        if (payload instanceof BalanceShared e) {
            return share(eventId, position, e.sharedAt(), e.consentId(), e.linkId(), e.shareId(), e.recipientId(),
                    e.providerId());
        }
        if (payload instanceof TransactionsShared e) {
            return share(eventId, position, e.sharedAt(), e.consentId(), e.linkId(), e.shareId(), e.recipientId(),
                    e.providerId());
        }
        return Optional.empty();
    }

    private static Optional<AddressedNotification> consent(NotificationType type, String eventId, long position,
                                                           Instant at, String consentId,
                                                           List<String> linkIds, ConsentStatus status,
                                                           String reason, String initiator,
                                                           String recipientId, String providerId) {
        Notification n = new Notification(type.wireName(), eventId, position, at, consentId, null, linkIds, null,
                status.name(), reason, initiator);
        return Optional.of(new AddressedNotification(n,
                Set.of(Subscriber.recipient(recipientId), Subscriber.provider(providerId)), "consent:" + consentId));
    }

    private static Optional<AddressedNotification> share(String eventId, long position, Instant at,
                                                         String consentId, String linkId, String shareId,
                                                         String recipientId, String providerId) {
        Notification n = new Notification(NotificationType.SHARE_RECORDED.wireName(), eventId, position, at,
                consentId, linkId, null, shareId, null, null, null);
        return Optional.of(new AddressedNotification(n,
                Set.of(Subscriber.recipient(recipientId), Subscriber.provider(providerId)), "consent:" + consentId));
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
