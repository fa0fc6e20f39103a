package io.consentledger.contracts.common;

import java.time.Instant;

/**
 * How the customer authorised something: the channel (for example {@code MOBILE_APP}, {@code ONLINE_BANKING}), the
 * instant of the authorisation as the provider recorded it, and the version of the disclosure shown to the customer.
 */
public record AuthorisationEvidence(String channel, Instant authorisedAt, String disclosureVersion) {

    public AuthorisationEvidence {
        Checks.text(channel, "evidence.channel", 64);
        Checks.required(authorisedAt, "evidence.authorisedAt");
        Checks.text(disclosureVersion, "evidence.disclosureVersion", 64);
    }
}
