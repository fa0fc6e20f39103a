package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications end to end, over the query side's real HTTP API: webhooks registered through the API, events
 * written into the event store as the command side writes them, real receivers on loopback that verify every
 * signature with the independent Standard Webhooks library, and the pull feed. Retries are shortened to 300 ms, 300 ms, 1 s, 1 s, 2 s, 2 s, 2 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.mongodb.database=notification-test",
                "consent-ledger.webhooks.allow-insecure-loopback=true",
                "consent-ledger.webhooks.dispatcher.poll-interval=200ms",
                "consent-ledger.webhooks.dispatcher.retry-delays=300ms,300ms,1s,1s,2s,2s,2s",
                "consent-ledger.webhooks.dispatcher.retry-jitter=0"})
class NotificationApiTest extends HttpTestSupport {

    private static final List<String> ALL_CONSENT_EVENTS = List.of("consent.requested", "consent.authorised",
            "consent.rejected", "consent.revoked", "consent.reauthorised", "consent.expired", "share.recorded");

    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final List<String[]> registered = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        receivers.forEach(WebhookReceiver::close);
        for (String[] hook : registered) {
            call("DELETE", "/api/v1/webhooks/" + hook[1], hook[0], null);
        }
    }

    // ---- helpers ----

    Response call(String method, String path, String key, String body) {
        return send(method, path, key == null ? null : "ApiKey " + key, body);
    }

    private WebhookReceiver receiver(WebhookReceiver receiver) {
        receivers.add(receiver);
        return receiver;
    }

    /** Registers a webhook through the API; returns {webhookId, secret}. */
    private String[] register(String key, String url, List<String> events) {
        Response response = call("POST", "/api/v1/webhooks", key, json.writeValueAsString(
                java.util.Map.of("url", url, "events", events)));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode body = response.json();
        assertThat(body.get("secret").asText()).startsWith("whsec_");
        registered.add(new String[]{key, body.get("webhookId").asText()});
        return new String[]{body.get("webhookId").asText(), body.get("secret").asText()};
    }

    private LedgerScript consentOf(String consentId, String recipient, String linkId) {
        return script.requestConsent(consentId, recipient, "cust-" + id, linkId, EnumSet.of(Scope.BALANCES),
                EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(4));
    }

    private static void assertProblem(Response response, int status, String slug) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("https://consent-ledger.dev/problems/" + slug);
        assertThat(response.json().get("code").asText()).isEqualTo(slug.toUpperCase().replace('-', '_'));
    }

    private List<JsonNode> feed(String key) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        while (true) {
            Response page = call("GET", "/api/v1/notifications?limit=7" + (cursor == null ? "" : "&after=" + cursor),
                    key, null);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonNode body = page.json();
            body.get("notifications").forEach(all::add);
            if (body.get("notifications").isEmpty()) {
                return all;
            }
            cursor = body.get("nextCursor").asText();
        }
    }

    // ---- tests ----

    @Test
    void aRevocationReachesItsRecipientAndProviderSignedAndNoOtherParty() throws Exception {
        WebhookReceiver messenger = receiver(WebhookReceiver.ok());
        WebhookReceiver voice = receiver(WebhookReceiver.ok());
        WebhookReceiver bank1 = receiver(WebhookReceiver.ok());
        WebhookReceiver bank2 = receiver(WebhookReceiver.ok());
        String[] messengerHook = register(MESSENGER, messenger.url(), ALL_CONSENT_EVENTS);
        String[] voiceHook = register(VOICE_ASSISTANT, voice.url(), ALL_CONSENT_EVENTS);
        String[] bank1Hook = register(BANK_1, bank1.url(), List.of("consent.revoked"));
        String[] bank2Hook = register(BANK_2, bank2.url(), ALL_CONSENT_EVENTS);

        String consent = "c-" + id;
        String link = "l-" + id;
        script.link(link, "cust-" + id, "bank-1");
        consentOf(consent, "messenger", link).authorise(consent).later(Duration.ofMinutes(5)).revoke(consent);
        String other = "c-voice-" + id;
        consentOf(other, "voice-assistant", link).authorise(other);

        await().atMost(Duration.ofSeconds(20)).until(() -> messenger.about(consent).size() == 3
                && bank1.about(consent).size() == 1 && voice.about(other).size() == 2);
        assertThat(messenger.about(consent)).extracting(WebhookReceiver.Received::type)
                .containsExactly("consent.requested", "consent.authorised", "consent.revoked");
        WebhookReceiver.Received revoked = bank1.about(consent).get(0);
        JsonNode body = revoked.json();
        assertThat(body.get("type").asText()).isEqualTo("consent.revoked");
        assertThat(body.get("status").asText()).isEqualTo("REVOKED");
        assertThat(body.get("reason").asText()).isEqualTo("CUSTOMER_REQUEST");
        assertThat(body.get("initiator").asText()).isEqualTo("CUSTOMER");
        assertThat(revoked.body()).as("no personal data beyond identifiers").doesNotContain("cust-" + id, "acc-");
        assertThat(revoked.header("webhook-id")).isEqualTo(body.get("eventId").asText() + "/" + bank1Hook[0]);

        messenger.allSignedWith(messengerHook[1]);
        voice.allSignedWith(voiceHook[1]);
        bank1.allSignedWith(bank1Hook[1]);
        Thread.sleep(500);
        assertThat(voice.about(consent)).as("another recipient's consent").isEmpty();
        assertThat(messenger.about(other)).as("another recipient's consent").isEmpty();
        assertThat(bank2.requests).as("another provider's consents").isEmpty();
        assertThat(bank1.about(other)).as("bank-1 subscribed to revocations only").isEmpty();

        // the delivery log, as the owner and as an auditor: who was told, when
        String eventId = body.get("eventId").asText();
        JsonNode log = call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries", AUDITOR, null).json();
        assertThat(log.get("attempts").get(0).get("deliveryId").asText()).isEqualTo(eventId);
        assertThat(log.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(204);
        JsonNode delivery = call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries/" + eventId, AUDITOR, null)
                .json();
        assertThat(delivery.get("state").asText()).isEqualTo("DELIVERED");
        assertThat(Instant.parse(delivery.get("finishedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries/" + eventId, BANK_1, null).json())
                .isEqualTo(delivery);
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries", BANK_2, null).status())
                .as("another provider's webhook is unknown to it").isEqualTo(404);

        // deleted by its owner: gone for the owner, still readable to an auditor, disabled, with its log
        assertThat(call("DELETE", "/api/v1/webhooks/" + bank1Hook[0], BANK_1, null).status()).isEqualTo(204);
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0], BANK_1, null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries", BANK_1, null).status())
                .isEqualTo(404);
        JsonNode kept = call("GET", "/api/v1/webhooks/" + bank1Hook[0], AUDITOR, null).json();
        assertThat(kept.get("enabled").asBoolean()).isFalse();
        assertThat(kept.get("disabledReason").asText()).startsWith("Deleted by its owner at ");
        assertThat(kept.toString()).doesNotContain("whsec_");
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries", AUDITOR, null).json())
                .isEqualTo(log);
        assertThat(call("GET", "/api/v1/webhooks/" + bank1Hook[0] + "/deliveries/" + eventId, AUDITOR, null).json())
                .isEqualTo(delivery);

        // the feed carries the same bodies, to the right parties only
        List<JsonNode> messengerFeed = feed(MESSENGER);
        assertThat(messengerFeed.stream().map(n -> n.get("notification").get("consentId").asText()))
                .contains(consent).doesNotContain(other);
        assertThat(messengerFeed.stream().filter(n -> n.get("eventId").asText().equals(eventId))
                .map(n -> n.get("notification").toString())).containsExactly(bank1.about(consent).get(0).json().toString());
        assertThat(feed(VOICE_ASSISTANT).stream().map(n -> n.get("notification").get("consentId").asText()))
                .contains(other).doesNotContain(consent);
        assertThat(feed(BANK_2).toString()).doesNotContain(consent, other);
    }

    @Test
    void aReceiverDownWhenTheConsentIsRevokedGetsTheNotificationOnceItIsBack() throws Exception {
        int port = WebhookReceiver.freePort();
        String[] hook = register(MESSENGER, WebhookReceiver.url(port), List.of("consent.revoked"));
        String consent = "c-" + id;
        script.link("l-" + id, "cust-" + id, "bank-1");
        consentOf(consent, "messenger", "l-" + id).authorise(consent).revoke(consent);

        // the revocation is recorded and shown at once, while the receiver is down
        awaitJson("/api/v1/consents/" + consent, view -> view.get("status").asText().equals("REVOKED"));
        JsonNode failing = awaitJson("/api/v1/webhooks/" + hook[0] + "/deliveries?limit=5", MESSENGER,
                log -> log.get("attempts").size() >= 2);
        assertThat(failing.get("attempts").get(0).get("error").asText()).isEqualTo("connection-refused");
        assertThat(failing.get("attempts").get(0).get("statusCode").asInt()).isZero();

        WebhookReceiver back = receiver(new WebhookReceiver(port, (b, n) -> 200));
        await().atMost(Duration.ofSeconds(20)).until(() -> back.about(consent).size() == 1);
        back.allSignedWith(hook[1]);
        String eventId = back.about(consent).get(0).json().get("eventId").asText();
        JsonNode delivery = awaitJson("/api/v1/webhooks/" + hook[0] + "/deliveries/" + eventId, MESSENGER,
                d -> d.get("state").asText().equals("DELIVERED"));
        assertThat(delivery.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
        Thread.sleep(500);
        assertThat(back.about(consent)).as("delivered once").hasSize(1);
    }

    @Test
    void aReceiverThatFailsTwiceThenSucceedsHasThreeAttemptsLoggedAndOneDelivery() throws Exception {
        WebhookReceiver receiver = receiver(new WebhookReceiver(0, (body, before) -> before < 2 ? 500 : 200));
        String[] hook = register(MESSENGER, receiver.url(), List.of("consent.revoked"));
        String consent = "c-" + id;
        script.link("l-" + id, "cust-" + id, "bank-1");
        consentOf(consent, "messenger", "l-" + id).authorise(consent).revoke(consent);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.about(consent).size() == 3);
        receiver.allSignedWith(hook[1]);
        assertThat(receiver.about(consent)).extracting(r -> r.header("webhook-id")).as("stable across retries")
                .containsOnly(receiver.about(consent).get(0).header("webhook-id"));
        String eventId = receiver.about(consent).get(0).json().get("eventId").asText();
        JsonNode delivery = awaitJson("/api/v1/webhooks/" + hook[0] + "/deliveries/" + eventId, MESSENGER,
                d -> d.get("state").asText().equals("DELIVERED"));
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        JsonNode log = call("GET", "/api/v1/webhooks/" + hook[0] + "/deliveries", MESSENGER, null).json();
        assertThat(log.get("attempts")).extracting(a -> a.get("statusCode").asInt()).containsExactly(200, 500, 500);
        assertThat(log.get("attempts")).extracting(a -> a.get("number").asInt()).containsExactly(3, 2, 1);
        assertThat(log.get("attempts")).as("an answered attempt has its status code and no error")
                .allSatisfy(a -> assertThat(a.get("error") == null || a.get("error").isNull()).isTrue());

        // the metrics: deliveries by outcome, attempts, latency, backlog per webhook
        String metrics = call("GET", "/actuator/prometheus", OPERATOR, null).body();
        assertThat(metrics).contains("ledger_notifications_deliveries_total{outcome=\"delivered\"}",
                "ledger_notifications_deliveries_total{outcome=\"given_up\"}",
                "ledger_notifications_attempts_total{outcome=\"failure\"}",
                "ledger_notifications_attempts_total{outcome=\"success\"}",
                "ledger_notifications_attempt_latency_seconds_count",
                "ledger_notifications_backlog{webhook=\"" + hook[0] + "\"}");

        // a delivered delivery cannot be retried by hand; nothing changes
        assertProblem(call("POST", "/api/v1/webhooks/" + hook[0] + "/deliveries/" + eventId + "/retry", MESSENGER,
                null), 409, "delivery-not-retryable");
        Thread.sleep(500);
        assertThat(receiver.about(consent)).hasSize(3);
    }

    @Test
    void a410DisablesTheWebhookAndNothingMoreIsSentToIt() throws Exception {
        WebhookReceiver receiver = receiver(new WebhookReceiver(0, (body, before) -> 410));
        String[] hook = register(MESSENGER, receiver.url(), List.of("consent.requested", "consent.authorised"));
        script.link("l-" + id, "cust-" + id, "bank-1");
        consentOf("c-" + id, "messenger", "l-" + id);
        JsonNode disabled = awaitJson("/api/v1/webhooks/" + hook[0], MESSENGER, w -> !w.get("enabled").asBoolean());
        assertThat(disabled.get("disabledReason").asText()).contains("410");
        int seen = receiver.requests.size();
        script.authorise("c-" + id);
        awaitJson("/api/v1/consents/c-" + id, v -> v.get("status").asText().equals("AUTHORISED"));
        Thread.sleep(1000);
        assertThat(receiver.requests).hasSize(seen);
    }

    @Test
    void aTestPingAndARotatedSecretAreSignedWithEveryValidSecret() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.ok());
        String[] hook = register(RECIPIENT_KEY, receiver.url(), List.of("consent.revoked"));
        Response rotated = call("POST", "/api/v1/webhooks/" + hook[0] + "/rotate-secret", RECIPIENT_KEY, null);
        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.json().get("secret").asText();
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(hook[1]);
        assertThat(call("GET", "/api/v1/webhooks/" + hook[0], RECIPIENT_KEY, null).json()
                .get("previousSecretValidUntil").asText()).isNotBlank();

        Response test = call("POST", "/api/v1/webhooks/" + hook[0] + "/test", RECIPIENT_KEY, null);
        assertThat(test.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 1);
        WebhookReceiver.Received ping = receiver.requests.get(0);
        assertThat(ping.type()).isEqualTo("webhook.ping");
        assertThat(ping.header("webhook-id")).isEqualTo(test.json().get("webhookMessageId").asText());
        assertThat(ping.header("webhook-signature").split(" ")).hasSize(2);
        receiver.allSignedWith(fresh);
        receiver.allSignedWith(hook[1]);
    }

    private static final String RECIPIENT_KEY = VOICE_ASSISTANT;

    @Test
    void privateAndMetadataAddressesAreRefusedAtRegistrationAndNothingIsStored() {
        List<String> refused = List.of("http://10.0.0.7/hook", "http://169.254.169.254/latest/meta-data/",
                "https://[fd00:ec2::254]/", "https://192.168.1.10/hook", "http://[::ffff:10.0.0.1]/",
                "https://2130706433/");
        for (String url : refused) {
            Response response = call("POST", "/api/v1/webhooks", BANK_2, json.writeValueAsString(
                    java.util.Map.of("url", url, "events", List.of("consent.revoked"))));
            assertThat(response.status()).as(url + ": " + response.body()).isEqualTo(400);
            assertThat(response.json().get("type").asText()).as(url).startsWith("https://consent-ledger.dev/problems/webhook-url-");
            assertThat(response.body()).as("the problem names no address").doesNotContain("10.0.0", "169.254", "192.168");
        }
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"http://169.254.169.254/\",\"events\":[\"consent.revoked\"]}"), 400,
                "webhook-url-forbidden-address");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"http://8.8.8.8/hook\",\"events\":[\"consent.revoked\"]}"), 400, "webhook-url-not-https");
        assertThat(call("GET", "/api/v1/webhooks", BANK_2, null).json().size()).isZero();
    }

    @Test
    void badInputIsAProblemAndChangesNothing() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.ok());
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"" + receiver.url() + "\",\"events\":[\"consent.nonsense\"]}"), 400, "webhook-events-invalid");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"" + receiver.url() + "\",\"events\":[]}"), 400, "webhook-events-invalid");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"" + receiver.url() + "\",\"events\":[\"webhook.ping\"]}"), 400, "webhook-events-invalid");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2, "{\"url\":"), 400, "malformed-request");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2, "{\"events\":[\"consent.revoked\"]}"), 400,
                "webhook-url-invalid");
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"not a url\",\"events\":[\"consent.revoked\"]}"), 400, "webhook-url-invalid");
        assertThat(call("GET", "/api/v1/webhooks", BANK_2, null).json().size()).isZero();

        String[] hook = register(BANK_2, receiver.url(), List.of("consent.revoked"));
        assertProblem(call("GET", "/api/v1/webhooks/" + hook[0] + "/deliveries?limit=0", BANK_2, null), 400,
                "invalid-request");
        Response unreadable = call("GET", "/api/v1/webhooks/" + hook[0] + "/deliveries?limit=x", BANK_2, null);
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.contentType()).startsWith("application/problem+json");
        // malformed-request, or malformed-parameter where the query side names the parameter (issue 14)
        assertThat(unreadable.json().get("type").asText()).startsWith("https://consent-ledger.dev/problems/malformed-");
        assertProblem(call("POST", "/api/v1/webhooks/" + hook[0] + "/deliveries/no-such-event/retry", BANK_2, null),
                404, "not-found");
        assertProblem(call("GET", "/api/v1/notifications?after=bm90LWEtY3Vyc29y", BANK_2, null), 400,
                "feed-cursor-invalid");
        assertProblem(call("GET", "/api/v1/notifications?limit=501", BANK_2, null), 400, "invalid-request");
        assertProblem(call("GET", "/api/v1/webhooks", AUDITOR, null), 400, "invalid-request");
        assertProblem(call("GET", "/api/v1/webhooks?subscriber=OPERATOR:x", AUDITOR, null), 400, "invalid-request");

        // another party's webhook is answered exactly like an unknown one, and stays as it was
        Response theirs = call("DELETE", "/api/v1/webhooks/" + hook[0], BANK_1, null);
        Response unknown = call("DELETE", "/api/v1/webhooks/wh_unknown", BANK_1, null);
        assertProblem(theirs, 404, "not-found");
        assertThat(theirs.json().get("detail").asText().replace(hook[0], "{id}"))
                .isEqualTo(unknown.json().get("detail").asText().replace("wh_unknown", "{id}"));
        assertThat(call("GET", "/api/v1/webhooks/" + hook[0], BANK_2, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/webhooks?subscriber=PROVIDER:bank-2", BANK_1, null).json().size()).isZero();
        assertThat(call("GET", "/api/v1/webhooks?subscriber=PROVIDER:bank-2", AUDITOR, null).json().get(0)
                .get("webhookId").asText()).isEqualTo(hook[0]);

        // at most 10 webhooks a party; the 11th is refused and not stored
        for (int i = 1; i < 10; i++) {
            register(BANK_2, receiver.url(), List.of("consent.revoked"));
        }
        assertProblem(call("POST", "/api/v1/webhooks", BANK_2,
                "{\"url\":\"" + receiver.url() + "\",\"events\":[\"consent.revoked\"]}"), 409, "webhook-limit-reached");
        assertThat(call("GET", "/api/v1/webhooks", BANK_2, null).json().size()).isEqualTo(10);
        assertThat(receiver.requests).isEmpty();
    }

    @Test
    void theFeedPagedWhileEventsArriveNeverMissesNorRepeats() throws Exception {
        String link = "l-" + id;
        script.link(link, "cust-" + id, "bank-1");
        int consents = 30;
        String prefix = "feed-" + id + "-";
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < consents; i++) {
                consentOf(prefix + i, "voice-assistant", link);
            }
            done.set(true);
        });
        writer.start();
        List<String> seen = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        String cursor = null;
        while (!(done.get() && mine.size() >= consents)) {
            String path = "/api/v1/notifications?limit=4" + (cursor == null ? "" : "&after=" + cursor);
            JsonNode page = call("GET", path, VOICE_ASSISTANT, null).json();
            for (JsonNode n : page.get("notifications")) {
                seen.add(n.get("eventId").asText());
                if (n.get("notification").get("consentId").asText().startsWith(prefix)) {
                    mine.add(n.get("notification").get("consentId").asText());
                }
            }
            cursor = page.get("nextCursor").asText();
            if (page.get("notifications").isEmpty()) {
                Thread.sleep(20);
            }
        }
        writer.join();
        assertThat(new LinkedHashSet<>(seen)).as("no repeats").hasSize(seen.size());
        assertThat(seen).as("the same records, in the same order, as a reader from the start").isEqualTo(
                feed(VOICE_ASSISTANT).stream().map(n -> n.get("eventId").asText()).toList());
        List<String> inOrder = new ArrayList<>();
        for (int i = 0; i < consents; i++) {
            inOrder.add(prefix + i);
        }
        assertThat(mine).as("every request once, in log order").isEqualTo(inOrder);
        Response empty = call("GET", "/api/v1/notifications?after=" + cursor, VOICE_ASSISTANT, null);
        assertThat(empty.json().get("notifications").size()).isZero();
        assertThat(empty.json().get("nextCursor").asText()).isEqualTo(cursor);
    }

    @Test
    void aConsentAwaitingAuthorisationPastItsExpiryReadsExpiredAndIsNotifiedAsExpiredOnlyWhenRecorded() {
        String consent = "c-old-" + id;
        script.at(Instant.parse("2025-01-01T00:00:00Z")).link("l-" + id, "cust-" + id, "bank-1");
        consentOf(consent, "messenger", "l-" + id);
        JsonNode view = awaitJson("/api/v1/consents/" + consent, v -> v.has("status"));
        assertThat(view.get("recordedStatus").asText()).isEqualTo("AWAITING_AUTHORISATION");
        assertThat(view.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(call("GET", "/api/v1/customers/cust-" + id + "/consents", BANK_1, null).json().get(0)
                .get("status").asText()).isEqualTo("EXPIRED");
        await().atMost(Duration.ofSeconds(10)).until(() -> feed(MESSENGER).stream()
                .anyMatch(n -> consent.equals(n.get("notification").get("consentId").asText())));
        assertThat(feed(MESSENGER).stream().filter(n -> consent.equals(n.get("notification").get("consentId").asText()))
                .map(n -> n.get("notification").get("type").asText())).containsExactly("consent.requested");

        script.later(Duration.ofDays(200)).expire(consent);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed(MESSENGER).stream()
                .filter(n -> consent.equals(n.get("notification").get("consentId").asText()))
                .map(n -> n.get("notification").get("type").asText()).toList()
                .equals(List.of("consent.requested", "consent.expired")));
        assertThat(awaitJson("/api/v1/consents/" + consent, v -> v.get("recordedStatus").asText().equals("EXPIRED"))
                .get("status").asText()).isEqualTo("EXPIRED");
    }

    private JsonNode awaitJson(String path, String key, java.util.function.Predicate<JsonNode> until) {
        List<JsonNode> last = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response response = call("GET", path, key, null);
            if (response.status() != 200) {
                return false;
            }
            last.clear();
            last.add(response.json());
            return until.test(last.get(0));
        });
        return last.get(0);
    }
}
