package io.consentledger.query.notification;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.query.notification.signing.WebhookSecret;
import io.consentledger.query.notification.signing.WebhookSigner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked example of docs/notifications.md, "Verifying a signature": the body and the signature printed there
 * (the signature computed with openssl, as the document shows) are what the code produces.
 */
class DocumentedExampleTest {

    @Test
    void theDocumentsBodyAndSignatureAreWhatTheLedgerSends() {
        var revoked = new ConsentRevoked("c-7", "messenger", "cust-9", "bank-1", List.of("l-3"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, Instant.parse("2026-12-01T10:15:30.123Z"));
        String body = NotificationJson.write(NotificationMapper.map(revoked,
                "5f0c2a1e-8d7b-4c1a-9e35-2b7f4d6a9c10", 1042).orElseThrow().notification());

        assertThat(body).isEqualTo("{\"type\":\"consent.revoked\",\"eventId\":\"5f0c2a1e-8d7b-4c1a-9e35-2b7f4d6a9c10\","
                + "\"position\":1042,\"occurredAt\":\"2026-12-01T10:15:30.123Z\",\"consentId\":\"c-7\","
                + "\"linkIds\":[\"l-3\"],\"status\":\"REVOKED\",\"reason\":\"CUSTOMER_REQUEST\","
                + "\"initiator\":\"CUSTOMER\"}");
        assertThat(WebhookSigner.sign(WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                "5f0c2a1e-8d7b-4c1a-9e35-2b7f4d6a9c10/wh_0f3c", 1796120131L, body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,A5VGKtKW4/8tjyPAkeJoL5a+LljMx3aqNbDRQDdlwkc=");
    }
}
