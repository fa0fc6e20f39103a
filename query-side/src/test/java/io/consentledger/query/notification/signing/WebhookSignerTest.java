package io.consentledger.query.notification.signing;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTest {

    /*
     * The example of the Standard Webhooks specification, "Signature scheme" section:
     * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
     */
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final String SPEC_BODY = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsExampleAsTheSpecificationSays() {
        String signature = WebhookSigner.sign(WebhookSecret.parse(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, bytes(SPEC_BODY));

        assertThat(signature).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void aSecretReadAgainSignsTheSameWithoutKeyingANewMac() {
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        String first = WebhookSigner.sign(WebhookSecret.parse(secret.encoded()), SPEC_ID, SPEC_TIMESTAMP,
                bytes(SPEC_BODY));
        long keyed = WebhookSecret.macsKeyed();

        // each read of a webhook parses its secrets again: a new instance of the same key
        for (int i = 0; i < 5; i++) {
            assertThat(WebhookSigner.sign(WebhookSecret.parse(secret.encoded()), SPEC_ID, SPEC_TIMESTAMP,
                    bytes(SPEC_BODY))).isEqualTo(first);
        }

        assertThat(WebhookSecret.macsKeyed()).isEqualTo(keyed);
        assertThat(WebhookSigner.sign(WebhookSecret.parse(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, bytes(SPEC_BODY)))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void theIndependentLibrarySignsTheExampleTheSameWay() throws Exception {
        assertThat(new Webhook(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void verifiesTheSpecificationsExampleAndRefusesAnyChange() {
        WebhookSecret secret = WebhookSecret.parse(SPEC_SECRET);

        assertThat(WebhookSigner.verify(secret, SPEC_ID, SPEC_TIMESTAMP, bytes(SPEC_BODY), SPEC_SIGNATURE)).isTrue();
        assertThat(WebhookSigner.verify(secret, SPEC_ID, SPEC_TIMESTAMP + 1, bytes(SPEC_BODY), SPEC_SIGNATURE)).isFalse();
        assertThat(WebhookSigner.verify(secret, SPEC_ID, SPEC_TIMESTAMP, bytes("{\"test\": 2432232315}"), SPEC_SIGNATURE)).isFalse();
        assertThat(WebhookSigner.verify(secret, "msg_other", SPEC_TIMESTAMP, bytes(SPEC_BODY), SPEC_SIGNATURE)).isFalse();
        assertThat(WebhookSigner.verify(secret, SPEC_ID, SPEC_TIMESTAMP, bytes(SPEC_BODY), "v1,not-base64!")).isFalse();
    }

    @Test
    void aFreshSecretsSignatureVerifiesWithTheIndependentLibrary() {
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"consent.revoked\",\"eventId\":\"e-1\"}";
        String header = WebhookSigner.signatureHeader(List.of(secret), "e-1/wh_1", now, bytes(body));

        assertThatCode(() -> new Webhook(secret.encoded()).verify(body, headers("e-1/wh_1", now, header)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(WebhookSecret.generate(new SecureRandom()).encoded())
                .verify(body, headers("e-1/wh_1", now, header))).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        WebhookSecret fresh = WebhookSecret.generate(new SecureRandom());
        WebhookSecret old = WebhookSecret.generate(new SecureRandom());
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"webhook.ping\"}";
        String header = WebhookSigner.signatureHeader(List.of(fresh, old), "ping_1/wh_1", now, bytes(body));

        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThatCode(() -> new Webhook(fresh.encoded()).verify(body, headers("ping_1/wh_1", now, header)))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(old.encoded()).verify(body, headers("ping_1/wh_1", now, header)))
                .doesNotThrowAnyException();
    }

    @Test
    void generatedSecretsAreWhsecWith32RandomBytesAndRoundTrip() {
        SecureRandom random = new SecureRandom();
        WebhookSecret one = WebhookSecret.generate(random);
        WebhookSecret two = WebhookSecret.generate(random);

        assertThat(one.encoded()).startsWith("whsec_").hasSize("whsec_".length() + 44);
        assertThat(one).isNotEqualTo(two);
        assertThat(WebhookSecret.parse(one.encoded())).isEqualTo(one);
        assertThat(one.toString()).doesNotContain(one.encoded().substring(6));
    }

    @Test
    void refusesSecretsThatAreNotWhsecBase64OfEnoughBytes() {
        assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_***")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
