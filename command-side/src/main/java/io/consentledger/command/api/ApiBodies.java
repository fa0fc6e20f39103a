package io.consentledger.command.api;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.share.SharedTransaction;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.consentledger.command.api.Requests.required;

/**
 * The JSON request bodies of the command API (its responses are in the contracts). Every field is nullable here so that a missing one is reported by name
 * (400 invalid-request); the contracts' records do the checking.
 */
public final class ApiBodies {

    private ApiBodies() {
    }

    public record Evidence(String channel, Instant authorisedAt, String disclosureVersion) {
        AuthorisationEvidence toEvidence() {
            return new AuthorisationEvidence(channel, authorisedAt, disclosureVersion);
        }

        static AuthorisationEvidence of(Evidence evidence) {
            return required(evidence, "evidence").toEvidence();
        }
    }

    public record LinkAccount(String linkId, String customerId, String providerId, String accountId, String currency,
                              Evidence evidence) {
    }

    public record Unlink(Initiator initiator) {
    }

    /** A window is either {@code from}/{@code to} (both inclusive) or {@code lookbackDays}. */
    public record Window(Instant from, Instant to, Integer lookbackDays) {
        TransactionWindow toWindow() {
            return new TransactionWindow(from, to, lookbackDays);
        }
    }

    /** Either {@code {"oneOff": true}} or {@code {"maxPerDay": n}}. */
    public record Frequency(Boolean oneOff, Integer maxPerDay) {
        AccessFrequency toFrequency() {
            return new AccessFrequency(Boolean.TRUE.equals(oneOff), maxPerDay);
        }
    }

    public record RequestConsentBody(String consentId, String recipientId, List<String> linkIds, Set<Scope> scopes,
                                     Set<Purpose> purposes, Instant expiresAt, Window window, Frequency frequency) {
    }

    public record Authorise(Evidence evidence) {
    }

    public record Reject(Initiator initiator) {
    }

    public record Revoke(RevocationReason reason, Initiator initiator) {
    }

    public record Reauthorise(Instant expiresAt, Evidence evidence) {
    }

    public record ShareBalanceBody(String shareId, String linkId, BigDecimal amount, String currency, Instant asOf,
                                   Purpose purpose) {
    }

    public record Transaction(String transactionId, Instant bookedAt, BigDecimal amount, String currency,
                              String description, String merchant, String channel) {
        SharedTransaction toTransaction() {
            return new SharedTransaction(transactionId, bookedAt, amount, currency, description, merchant, channel);
        }
    }

    public record ShareTransactionsBody(String shareId, String linkId, Purpose purpose, List<Transaction> transactions) {
    }
}
