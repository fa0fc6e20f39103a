package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CommandApiHttpTest extends HttpTestSupport {

    private static final String PROBLEM = "application/problem+json";
    private static final String PER_DAY_4 = "{\"maxPerDay\": 4}";

    private static void assertProblem(Response response, int status, String slug) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.contentType()).startsWith(PROBLEM);
        assertThat(response.text("type")).isEqualTo("https://consent-ledger.dev/problems/" + slug);
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        // Every problem carries its code: the slug in upper snake case (a refusal's code is its RefusalReason).
        assertThat(response.text("code")).isEqualTo(slug.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        assertThat(response.text("title")).isNotBlank();
    }

    @Test
    void seedScenario() {
        // 1. A bank links an account.
        Response link = post("/api/v1/links", """
                {"customerId": "cust-seed", "providerId": "bank-1", "accountId": "acc-9", "currency": "EUR",
                 "evidence": {"channel": "MOBILE_APP", "authorisedAt": "%s", "disclosureVersion": "tc-7"}}
                """.formatted(clock.instant().minusSeconds(60)));
        assertThat(link.status()).as(link.raw()).isEqualTo(201);
        String linkId = link.text("linkId");
        assertThat(linkId).isNotBlank();
        assertThat(link.headers().firstValue("Location")).contains("/api/v1/links/" + linkId);

        // 2. A messaging platform requests balances and transactions, for fraud alerts.
        Response consent = post("/api/v1/consents", """
                {"recipientId": "messenger", "linkIds": ["%s"], "scopes": ["BALANCES", "TRANSACTIONS"],
                 "purposes": ["FRAUD_ALERTS"], "expiresAt": "%s", "window": {"lookbackDays": 90},
                 "frequency": {"maxPerDay": 4}}
                """.formatted(linkId, clock.instant().plus(180, ChronoUnit.DAYS)));
        assertThat(consent.status()).as(consent.raw()).isEqualTo(201);
        assertThat(consent.text("status")).isEqualTo("AWAITING_AUTHORISATION");
        String consentId = consent.text("consentId");

        // 3. The bank authorises it.
        Response authorised = post("/api/v1/consents/" + consentId + "/authorise", evidenceJson());
        assertThat(authorised.status()).as(authorised.raw()).isEqualTo(200);
        assertThat(authorised.text("status")).isEqualTo("AUTHORISED");

        // 4. The bank shares data.
        Response balance = post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1250.75", "EUR"));
        assertThat(balance.status()).as(balance.raw()).isEqualTo(201);
        Response transactions = post("/api/v1/consents/" + consentId + "/shares/transactions", """
                {"linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [
                  {"transactionId": "tx-1", "bookedAt": "%s", "amount": -42.10, "currency": "EUR",
                   "description": "Groceries", "merchant": "Corner Shop", "channel": "card"},
                  {"transactionId": "tx-2", "bookedAt": "%s", "amount": 1500.00, "currency": "EUR",
                   "description": "Salary", "channel": "transfer"}]}
                """.formatted(linkId, clock.instant().minus(2, ChronoUnit.DAYS), clock.instant().minus(10, ChronoUnit.DAYS)));
        assertThat(transactions.status()).as(transactions.raw()).isEqualTo(201);
        assertThat(transactions.json().path("newTransactionIds").values()).extracting(n -> n.asString()).containsExactly("tx-1", "tx-2");

        // 5. A request for ADVERTISING is refused.
        Response advertising = post("/api/v1/consents", consentJson(id("consent"), linkId, "[\"BALANCES\"]",
                "[\"ADVERTISING\"]", PER_DAY_4));
        assertProblem(advertising, 409, "prohibited-purpose");

        // 6. The customer revokes the consent.
        Response revoked = post("/api/v1/consents/" + consentId + "/revoke", """
                {"reason": "CUSTOMER_REQUEST", "initiator": "CUSTOMER"}""");
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
        assertThat(revoked.text("status")).isEqualTo("REVOKED");

        // 7. A share after the revocation is refused.
        assertProblem(post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1.00", "EUR")),
                409, "consent-revoked");

        List<Object> events = eventsOf(consentId);
        BalanceShared shared = (BalanceShared) events.stream().filter(BalanceShared.class::isInstance).findFirst().orElseThrow();
        assertThat(shared.amount()).isEqualByComparingTo(new BigDecimal("1250.75"));
        assertThat(shared.amount().scale()).isEqualTo(2);
        assertThat(events).filteredOn(TransactionsShared.class::isInstance).hasSize(1);
    }

    @Nested
    class BadInput {

        @Test
        void malformedJson() {
            assertProblem(post("/api/v1/links", "{\"customerId\": \"c\", "), 400, "malformed-request");
            assertProblem(post("/api/v1/links", "not json at all"), 400, "malformed-request");
            assertProblem(post("/api/v1/links", "{} {}"), 400, "malformed-request");
        }

        @Test
        void emptyBody() {
            assertProblem(post("/api/v1/links", ""), 400, "malformed-request");
        }

        @Test
        void missingFieldsAreNamed() {
            Response response = post("/api/v1/links", """
                    {"providerId": "bank-1", "accountId": "acc-1", "currency": "EUR",
                     "evidence": {"channel": "APP", "authorisedAt": "2026-01-01T00:00:00Z", "disclosureVersion": "v1"}}""");
            assertProblem(response, 400, "invalid-request");
            assertThat(response.text("detail")).contains("customerId");
            assertProblem(post("/api/v1/links", "{\"customerId\": \"c\", \"providerId\": \"bank-1\", \"accountId\": \"a\", \"currency\": \"EUR\"}"),
                    400, "invalid-request");
            String[] ids = authorisedConsent(PER_DAY_4);
            Response noAmount = post("/api/v1/consents/" + ids[1] + "/shares/balance",
                    "{\"linkId\": \"" + ids[0] + "\", \"currency\": \"EUR\", \"asOf\": \"2026-01-01T00:00:00Z\", \"purpose\": \"FRAUD_ALERTS\"}");
            assertProblem(noAmount, 400, "invalid-request");
            assertThat(noAmount.text("detail")).contains("amount");
            assertProblem(post("/api/v1/consents/" + ids[1] + "/revoke", "{\"initiator\": \"CUSTOMER\"}"), 400, "invalid-request");
        }

        @Test
        void wrongTypes() {
            String[] ids = authorisedConsent(PER_DAY_4);
            String share = "/api/v1/consents/" + ids[1] + "/shares/balance";
            assertProblem(post(share, balanceJson(ids[0], "\"lots\"", "EUR")), 400, "malformed-request");
            assertProblem(post(share, balanceJson(ids[0], "true", "EUR")), 400, "malformed-request");
            assertProblem(post(share, balanceJson(ids[0], "\"12.50\"", "EUR")), 400, "malformed-request");
            assertProblem(post(share, "{\"linkId\": 42, \"amount\": 1, \"currency\": \"EUR\", \"asOf\": \"2026-01-01T00:00:00Z\", \"purpose\": \"FRAUD_ALERTS\"}"),
                    400, "malformed-request");
            assertProblem(post(share, "{\"linkId\": \"" + ids[0] + "\", \"amount\": 1, \"currency\": \"EUR\", \"asOf\": \"yesterday\", \"purpose\": \"FRAUD_ALERTS\"}"),
                    400, "malformed-request");
            assertProblem(post("/api/v1/consents", "{\"linkIds\": \"one\"}"), 400, "malformed-request");
            assertProblem(post("/api/v1/links", "[1, 2, 3]"), 400, "malformed-request");
        }

        @Test
        void unknownEnumValuesAreRefusedAndListed() {
            String linkId = link(id("cust"));
            Response response = post("/api/v1/consents", consentJson(id("c"), linkId, "[\"EVERYTHING\"]", "[\"FRAUD_ALERTS\"]", PER_DAY_4));
            assertProblem(response, 400, "malformed-request");
            assertThat(response.text("detail")).contains("scopes").contains("BALANCES");
            assertProblem(post("/api/v1/consents", consentJson(id("c"), linkId, "[\"BALANCES\"]", "[\"MARKETING\"]", PER_DAY_4)),
                    400, "malformed-request");
            assertProblem(post("/api/v1/consents", consentJson(id("c"), linkId, "[0]", "[\"FRAUD_ALERTS\"]", PER_DAY_4)),
                    400, "malformed-request");
        }

        @Test
        void unknownPropertiesAreRefused() {
            String linkId = id("link");
            String body = linkJson(linkId, "cust-x", "EUR").replaceFirst("\\{", "{\"isAdmin\": true, ");
            Response response = post("/api/v1/links", body);
            assertProblem(response, 400, "malformed-request");
            assertThat(response.text("detail")).contains("isAdmin");
        }

        @Test
        void invalidValuesAreRefused() {
            assertProblem(post("/api/v1/links", linkJson(id("link"), "cust-x", "EURO")), 400, "invalid-request");
            assertProblem(post("/api/v1/links", linkJson("bad id with spaces", "cust-x", "EUR")), 400, "invalid-request");
            String linkId = link(id("cust"));
            assertProblem(post("/api/v1/consents", consentJson(id("c"), linkId, "[]", "[\"FRAUD_ALERTS\"]", PER_DAY_4)),
                    400, "invalid-request");
            assertProblem(post("/api/v1/consents", consentJson(id("c"), linkId, "[\"BALANCES\"]", "[]", PER_DAY_4)),
                    400, "invalid-request");
            assertProblem(post("/api/v1/consents", consentJson(id("c"), linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]",
                    "{\"oneOff\": true, \"maxPerDay\": 3}")), 400, "invalid-request");
            Response noExpiry = post("/api/v1/consents", consentJson(id("c"), linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", PER_DAY_4)
                    .replaceFirst("\"expiresAt\": \"[^\"]+\",", ""));
            assertProblem(noExpiry, 400, "invalid-request");
            assertThat(noExpiry.text("detail")).contains("expiresAt");
        }

        @Test
        void duplicateKeysAreRefused() {
            String body = linkJson(id("link"), "cust-x", "EUR").replaceFirst("\\{", "{\"customerId\": \"cust-y\", ");
            assertProblem(post("/api/v1/links", body), 400, "malformed-request");
        }

        /** Randomly damaged bodies (seeded, so a failure replays) get a 4xx problem, never a 5xx. */
        @Test
        void damagedBodiesNeverCauseA500() {
            String[] ids = authorisedConsent(PER_DAY_4);
            String valid = """
                    {"linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [
                      {"transactionId": "tx-1", "bookedAt": "%s", "amount": -42.10, "currency": "EUR",
                       "description": "Groceries", "merchant": "Corner Shop", "channel": "card"}]}
                    """.formatted(ids[0], clock.instant().minusSeconds(3600));
            String[] fragments = {"null", "[]", "{}", "\"\"", "-1", "1e999", "true", "\"EUR\"", "\"2026-13-45T99:00:00Z\"", ",", "\\u0000"};
            java.util.Random random = new java.util.Random(20261121L);
            String path = "/api/v1/consents/" + ids[1] + "/shares/transactions";
            for (int i = 0; i < 150; i++) {
                StringBuilder damaged = new StringBuilder(valid);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(damaged.length());
                    switch (random.nextInt(3)) {
                        case 0 -> damaged.deleteCharAt(at);
                        case 1 -> damaged.insert(at, fragments[random.nextInt(fragments.length)]);
                        default -> damaged.replace(at, Math.min(damaged.length(), at + 1 + random.nextInt(8)),
                                fragments[random.nextInt(fragments.length)]);
                    }
                }
                Response response = post(path, damaged.toString());
                assertThat(response.status()).as("body %d: %s -> %s", i, damaged, response.raw()).isLessThan(500);
                if (response.status() >= 400) {
                    assertThat(response.contentType()).startsWith(PROBLEM);
                }
            }
        }

        @Test
        void hugePayloadsAre413() {
            String huge = "{\"customerId\": \"" + "x".repeat(300 * 1024) + "\"}";
            assertProblem(post("/api/v1/links", huge), 413, "payload-too-large");
        }

        @Test
        void wrongMediaTypeAndMethodAreNot500() {
            Response text = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/links"))
                                            .header("Content-Type", "text/plain")
                                            .header("Authorization", "ApiKey " + BANK_1)
                                            .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
            assertThat(text.status()).isEqualTo(415);
            assertThat(text.contentType()).startsWith(PROBLEM);
            assertThat(get("/api/v1/links", as(BANK_1)).status()).isEqualTo(405);
        }
    }

    @Nested
    class UnknownIds {

        @Test
        void unknownConsentIs404() {
            assertProblem(post("/api/v1/consents/nope-123/authorise", evidenceJson()), 404, "consent-unknown");
            assertProblem(post("/api/v1/consents/nope-123/revoke", "{\"reason\": \"CUSTOMER_REQUEST\", \"initiator\": \"CUSTOMER\"}"),
                    404, "consent-unknown");
            assertProblem(post("/api/v1/consents/nope-123/shares/balance", balanceJson("link-1", "1", "EUR")), 404, "consent-unknown");
        }

        @Test
        void unknownLinkIs404() {
            assertProblem(post("/api/v1/links/nope-123/unlink", ""), 404, "link-unknown");
            assertProblem(post("/api/v1/consents", consentJson(id("c"), "nope-123", "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", PER_DAY_4)),
                    404, "link-unknown");
        }

        @Test
        void aLinkIdIsNotAConsentId() {
            String linkId = link(id("cust"));
            assertProblem(post("/api/v1/consents/" + linkId + "/authorise", evidenceJson()), 404, "consent-unknown");
        }

        @Test
        void anExistingIdCannotBeCreatedTwice() {
            String linkId = id("link");
            assertThat(post("/api/v1/links", linkJson(linkId, "cust-1", "EUR")).status()).isEqualTo(201);
            assertProblem(post("/api/v1/links", linkJson(linkId, "cust-2", "EUR")), 409, "already-exists");
        }
    }

    @Nested
    class Rules {

        @Test
        void theFrequencyLimitIs429() {
            String[] ids = authorisedConsent("{\"maxPerDay\": 1}");
            String share = "/api/v1/consents/" + ids[1] + "/shares/balance";
            assertThat(post(share, balanceJson(ids[0], "10", "EUR")).status()).isEqualTo(201);
            assertProblem(post(share, balanceJson(ids[0], "10", "EUR")), 429, "frequency-exceeded");
        }

        @Test
        void aOneOffConsentIsUsedUp() {
            String[] ids = authorisedConsent("{\"oneOff\": true}");
            String share = "/api/v1/consents/" + ids[1] + "/shares/balance";
            assertThat(post(share, balanceJson(ids[0], "10", "EUR")).status()).isEqualTo(201);
            assertProblem(post(share, balanceJson(ids[0], "10", "EUR")), 429, "one-off-already-used");
        }

        @Test
        void theCurrencyIsCheckedAgainstTheLink() {
            String[] ids = authorisedConsent(PER_DAY_4);
            assertProblem(post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "10", "USD")),
                    409, "currency-mismatch");
        }

        @Test
        void noShareBeforeAuthorisation() {
            String linkId = link(id("cust"));
            String consentId = id("consent");
            post("/api/v1/consents", consentJson(consentId, linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", PER_DAY_4));
            assertProblem(post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1", "EUR")),
                    409, "consent-not-authorised");
        }

        @Test
        void noShareFromTheExpiryInstant() {
            String[] ids = authorisedConsent(PER_DAY_4);
            clock.advance(Duration.ofDays(90));
            assertProblem(post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1", "EUR")),
                    409, "consent-expired");
        }

        @Test
        void unlinkRevokesEveryConsentOnTheLinkAndStopsSharesAtOnce() {
            String[] ids = authorisedConsent(PER_DAY_4);
            Response unlinked = post("/api/v1/links/" + ids[0] + "/unlink", "{\"initiator\": \"CUSTOMER\"}");
            assertThat(unlinked.status()).as(unlinked.raw()).isEqualTo(200);
            assertThat(unlinked.text("status")).isEqualTo("UNLINKED");
            Response share = post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1", "EUR"));
            assertThat(share.status()).isEqualTo(409);
            assertThat(share.text("code")).isIn("LINK_UNLINKED", "CONSENT_REVOKED");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(eventsOf(ids[1])).filteredOn(ConsentRevoked.class::isInstance)
                                                .singleElement()
                                                .satisfies(e -> {
                                                    ConsentRevoked revoked = (ConsentRevoked) e;
                                                    assertThat(revoked.initiator()).isEqualTo(Initiator.SYSTEM);
                                                    assertThat(revoked.reason()).isEqualTo(RevocationReason.ACCOUNT_UNLINKED);
                                                }));
            assertProblem(post("/api/v1/links/" + ids[0] + "/unlink", ""), 409, "link-unlinked");
        }
    }

    @Nested
    class Idempotency {

        @Test
        void aRetryReturnsTheFirstOutcomeAndAppendsNothing() {
            String key = id("key");
            String linkBody = linkJson(null, "cust-idem", "EUR").replace("\"linkId\": \"null\", ", "");
            Response first = post("/api/v1/links", linkBody, "Idempotency-Key", key);
            assertThat(first.status()).as(first.raw()).isEqualTo(201);
            Response retry = post("/api/v1/links", linkBody, "Idempotency-Key", key);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.raw()).isEqualTo(first.raw());
            assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
            assertThat(retry.headers().firstValue("Idempotency-Replayed")).contains("true");
            assertThat(eventsOf(first.text("linkId"))).hasSize(1);

            String[] ids = authorisedConsent(PER_DAY_4);
            String share = "/api/v1/consents/" + ids[1] + "/shares/balance";
            String body = balanceJson(ids[0], "99.95", "EUR");
            String shareKey = id("key");
            Response shared = post(share, body, "Idempotency-Key", shareKey);
            Response again = post(share, body, "Idempotency-Key", shareKey);
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.raw()).isEqualTo(shared.raw());
            assertThat(eventsOf(ids[1])).filteredOn(BalanceShared.class::isInstance).hasSize(1);
        }

        @Test
        void aRefusalIsReplayedToo() {
            String[] ids = authorisedConsent(PER_DAY_4);
            String key = id("key");
            String body = balanceJson(ids[0], "1", "USD");
            Response first = post("/api/v1/consents/" + ids[1] + "/shares/balance", body, "Idempotency-Key", key);
            assertProblem(first, 409, "currency-mismatch");
            Response retry = post("/api/v1/consents/" + ids[1] + "/shares/balance", body, "Idempotency-Key", key);
            assertProblem(retry, 409, "currency-mismatch");
            assertThat(retry.raw()).isEqualTo(first.raw());
        }

        @Test
        void theSameKeyForAnotherRequestIs422() {
            String key = id("key");
            assertThat(post("/api/v1/links", linkJson(id("link"), "cust-1", "EUR"), "Idempotency-Key", key).status()).isEqualTo(201);
            assertProblem(post("/api/v1/links", linkJson(id("link"), "cust-1", "EUR"), "Idempotency-Key", key), 422, "idempotency-key-reused");
        }

        @Test
        void keysAreScopedByCaller() {
            String key = id("key");
            String body = linkJson(null, "cust-1", "EUR").replace("\"linkId\": \"null\", ", "")
                                                         .replace("\"providerId\": \"bank-1\", ", "");
            Response a = post("/api/v1/links", body, "Idempotency-Key", key, "Authorization", "ApiKey " + BANK_1);
            Response b = post("/api/v1/links", body, "Idempotency-Key", key, "Authorization", "ApiKey " + BANK_2);
            assertThat(a.status()).isEqualTo(201);
            assertThat(b.status()).isEqualTo(201);
            assertThat(a.text("linkId")).isNotEqualTo(b.text("linkId"));
        }

        @Test
        void anInvalidKeyIs400() {
            assertProblem(post("/api/v1/links", linkJson(id("link"), "cust-1", "EUR"), "Idempotency-Key", "x".repeat(300)),
                    400, "invalid-idempotency-key");
        }
    }

    @Test
    void servesItsOpenApiDocument() {
        assertThat(get("/v3/api-docs").status()).isEqualTo(401);
        Response docs = get("/v3/api-docs", as(AUDITOR));
        assertThat(docs.status()).as(docs.raw()).isEqualTo(200);
        assertThat(docs.json().path("paths").has("/api/v1/consents/{consentId}/shares/transactions")).isTrue();
        assertThat(docs.json().path("paths").has("/api/v1/links/{linkId}/unlink")).isTrue();
    }
}
