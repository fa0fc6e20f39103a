package io.consentledger.query.compliance;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.query.projection.ConsentTermsDocs;
import io.consentledger.query.projection.Docs;
import org.bson.Document;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A consent's status and terms, as the compliance check re-derived them from the events. */
record ConsentTerms(ConsentStatus status, String recipientId, Set<Scope> scopes, Set<Purpose> purposes,
                    List<String> linkIds, TransactionWindow window, AccessFrequency frequency, Instant expiresAt) {

    /**
     * The terms a compliance consent document holds. Documents written before the frequency was nested keep it at
     * the top level, which the same mapping reads.
     */
    static ConsentTerms of(Document consent) {
        Document frequency = consent.get("frequency", Document.class);
        return new ConsentTerms(ConsentStatus.valueOf(consent.getString("status")), consent.getString("recipientId"),
                                ConsentTermsDocs.scopes(consent), ConsentTermsDocs.purposes(consent),
                                Docs.strings(consent, "linkIds"),
                                ConsentTermsDocs.window(consent.get("window", Document.class)),
                                ConsentTermsDocs.frequency(frequency != null ? frequency : consent),
                                Docs.instant(consent, "expiresAt"));
    }
}
