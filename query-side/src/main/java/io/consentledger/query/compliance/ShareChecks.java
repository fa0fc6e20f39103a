package io.consentledger.query.compliance;

import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.share.TransactionFacts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The compliance rules, as pure functions: a share and its consent's terms in, violations out. Nothing here reads or
 * writes state; {@link ComplianceMonitor} derives the terms and the counts from the events.
 */
final class ShareChecks {

    private ShareChecks() {
    }

    /** A rule broken by a share, with what the events show. */
    record Finding(ComplianceRule rule, String detail) {
    }

    /**
     * How many shares of the consent were counted before this one.
     *
     * @param total in all
     * @param today on the share's UTC day
     */
    record Counted(long total, long today) {
    }

    /**
     * Every rule, in a fixed order.
     *
     * @param consent    null when no consent with the share's id was requested in the log
     * @param unlinkedAt when the share's link was unlinked; null while it is linked
     */
    static List<Finding> check(Share share, ConsentTerms consent, Instant unlinkedAt, Counted counted) {
        if (consent == null) {
            return List.of(new Finding(ComplianceRule.UNKNOWN_CONSENT, "no consent " + share.consentId() + " in the log"));
        }
        List<Finding> found = new ArrayList<>();
        status(share, consent).ifPresent(found::add);
        recipient(share, consent).ifPresent(found::add);
        purpose(share, consent).ifPresent(found::add);
        scope(share, consent).ifPresent(found::add);
        link(share, consent).ifPresent(found::add);
        unlinked(unlinkedAt).ifPresent(found::add);
        window(share, consent).ifPresent(found::add);
        channel(share).ifPresent(found::add);
        frequency(share, consent.frequency(), counted).ifPresent(found::add);
        return found;
    }

    static Optional<Finding> status(Share share, ConsentTerms consent) {
        return switch (consent.status()) {
            case AWAITING_AUTHORISATION -> found(ComplianceRule.SHARED_BEFORE_AUTHORISATION, "consent not yet authorised");
            case REVOKED -> found(ComplianceRule.SHARED_AFTER_REVOCATION, "consent revoked earlier in the log");
            case REJECTED -> found(ComplianceRule.SHARED_AFTER_REJECTION, "consent rejected earlier in the log");
            case EXPIRED -> found(ComplianceRule.SHARED_AFTER_EXPIRY, "consent expired earlier in the log");
            case AUTHORISED -> consent.expiresAt() != null && !share.sharedAt().isBefore(consent.expiresAt())
                    ? found(ComplianceRule.SHARED_AFTER_EXPIRY,
                            "shared at " + share.sharedAt() + ", expired at " + consent.expiresAt())
                    : Optional.empty();
        };
    }

    static Optional<Finding> recipient(Share share, ConsentTerms consent) {
        return share.recipientId().equals(consent.recipientId()) ? Optional.empty()
                : found(ComplianceRule.RECIPIENT_MISMATCH,
                        "consent is for " + consent.recipientId() + ", share names " + share.recipientId());
    }

    /** A prohibited purpose is never granted, whatever the consent says. */
    static Optional<Finding> purpose(Share share, ConsentTerms consent) {
        return !share.purpose().isProhibited() && consent.purposes().contains(share.purpose()) ? Optional.empty()
                : found(ComplianceRule.PURPOSE_NOT_GRANTED, share.purpose() + " is not among " + consent.purposes());
    }

    static Optional<Finding> scope(Share share, ConsentTerms consent) {
        return consent.scopes().contains(share.clusterShared()) && consent.scopes().contains(share.scope())
                ? Optional.empty()
                : found(ComplianceRule.SCOPE_NOT_GRANTED, share.clusterShared() + " is not among " + consent.scopes());
    }

    static Optional<Finding> link(Share share, ConsentTerms consent) {
        return consent.linkIds().contains(share.linkId()) ? Optional.empty()
                : found(ComplianceRule.LINK_NOT_IN_CONSENT, "link " + share.linkId() + " is not in the consent");
    }

    static Optional<Finding> unlinked(Instant unlinkedAt) {
        return unlinkedAt == null ? Optional.empty()
                : found(ComplianceRule.SHARED_AFTER_UNLINK, "link unlinked at " + unlinkedAt);
    }

    /** Every transaction booked inside the consent's window as it applied when the share was made. */
    static Optional<Finding> window(Share share, ConsentTerms consent) {
        if (share.transactions().isEmpty()) {
            return Optional.empty();
        }
        AppliedWindow applied = consent.window().appliedAt(share.sharedAt());
        List<String> outside = share.transactions().stream().filter(t -> !applied.contains(t.bookedAt()))
                                    .map(TransactionFacts::transactionId).toList();
        return outside.isEmpty() ? Optional.empty()
                : found(ComplianceRule.OUTSIDE_WINDOW, outside + " booked outside [" + applied.from() + ", " + applied.to() + "]");
    }

    /** Under TRANSACTIONS_VIA_RECIPIENT, every transaction went through the recipient's channel. */
    static Optional<Finding> channel(Share share) {
        if (share.scope() != Scope.TRANSACTIONS_VIA_RECIPIENT) {
            return Optional.empty();
        }
        List<String> elsewhere = share.transactions().stream().filter(t -> !share.recipientId().equals(t.channel()))
                                      .map(TransactionFacts::transactionId).toList();
        return elsewhere.isEmpty() ? Optional.empty()
                : found(ComplianceRule.CHANNEL_NOT_RECIPIENT, elsewhere + " did not go through " + share.recipientId());
    }

    /** A one-off consent allows one share in all; otherwise at most {@code maxPerDay} per UTC day. */
    static Optional<Finding> frequency(Share share, AccessFrequency frequency, Counted counted) {
        if (frequency.oneOff()) {
            return counted.total() >= 1 ? found(ComplianceRule.FREQUENCY_EXCEEDED, "one-off consent already used")
                    : Optional.empty();
        }
        return counted.today() >= frequency.maxPerDay()
                ? found(ComplianceRule.FREQUENCY_EXCEEDED, "share " + (counted.today() + 1) + " on " + day(share.sharedAt())
                        + ", at most " + frequency.maxPerDay() + " a day")
                : Optional.empty();
    }

    /** The UTC day a share counts towards, as stored in a consent's daily counts. */
    static String day(Instant sharedAt) {
        return sharedAt.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static Optional<Finding> found(ComplianceRule rule, String detail) {
        return Optional.of(new Finding(rule, detail));
    }
}
