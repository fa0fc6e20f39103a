package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 (black-box probe), the command side's findings 2, 5, 6, 12, 13, 14 and 15 over real HTTP: each bad
 * request is an RFC 9457 problem of the documented vocabulary, and changes nothing (the log's head does not move).
 */
class HardeningHttpTest extends HttpTestSupport {

    private Response refusedWithoutEffect(int status, String slug, java.util.function.Supplier<Response> call) {
        Long before = headPosition();
        Response response = call.get();
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.text("type")).isEqualTo("https://consent-ledger.dev/problems/" + slug);
        assertThat(headPosition()).as("a refused request appends nothing").isEqualTo(before);
        return response;
    }

    /** Finding 2: amounts are bounded (18 integer digits, the currency's minor units). */
    @Nested
    class Amounts {

        @ParameterizedTest
        @ValueSource(strings = {"1E+1000000", "-1E+1000000", "1000000000000000000", "1E-1000000", "12.345", "1e400"})
        void anUnboundedBalanceIsInvalid(String amount) {
            String[] ids = authorisedConsent("{\"maxPerDay\": 100}");
            Response response = refusedWithoutEffect(400, "invalid-request",
                    () -> post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], amount, "EUR")));
            assertThat(response.text("detail")).contains("amount").doesNotContain(amount);
        }

        @Test
        void theLargestAmountIsRecorded() {
            String[] ids = authorisedConsent("{\"maxPerDay\": 100}");
            assertThat(post("/api/v1/consents/" + ids[1] + "/shares/balance",
                    balanceJson(ids[0], "-999999999999999999.99", "EUR")).status()).isEqualTo(201);
        }

        @Test
        void anUnboundedTransactionAmountIsInvalid() {
            String[] ids = authorisedConsent("{\"maxPerDay\": 100}");
            refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/consents/" + ids[1] + "/shares/transactions", """
                    {"linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [{"transactionId": "t-1", "bookedAt": "%s",
                     "amount": 1E+1000000, "currency": "EUR", "description": "x", "channel": "card"}]}
                    """.formatted(ids[0], clock.instant().minusSeconds(60))));
        }
    }

    /** Finding 6: an instant later than the ledger's clock plus the allowance (5 minutes) is refused. */
    @Nested
    class FutureInstants {

        @ParameterizedTest
        @ValueSource(strings = {"P1D", "P36500000D"})
        void aBalanceAsOfTheFutureIsInvalid(String ahead) {
            String[] ids = authorisedConsent("{\"maxPerDay\": 100}");
            String asOf = clock.instant().plus(java.time.Duration.parse(ahead)).toString();
            Response response = refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/consents/" + ids[1] + "/shares/balance", """
                    {"linkId": "%s", "amount": 1.00, "currency": "EUR", "asOf": "%s", "purpose": "FRAUD_ALERTS"}
                    """.formatted(ids[0], asOf)));
            assertThat(response.text("detail")).contains("asOf");
        }

        @Test
        void aLinkWithEvidenceFromTheFutureIsInvalid() {
            refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/links", """
                    {"customerId": "c-1", "providerId": "bank-1", "accountId": "a-1", "currency": "EUR",
                     "evidence": {"channel": "MOBILE_APP", "authorisedAt": "+99999-01-01T00:00:00Z", "disclosureVersion": "tc-7"}}
                    """));
        }
    }

    /** Finding 12: one id grammar; "." and ".." cannot be created. */
    @ParameterizedTest
    @ValueSource(strings = {".", "..", "-x", ".well-known"})
    void idsThatAPathCannotCarryAreInvalid(String badId) {
        refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/links", linkJson(badId, "cust-1", "EUR")));
        String linkId = link(id("cust"));
        refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/consents",
                consentJson(badId, linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")));
    }

    /** Finding 13: a fixed window is bounded like a lookback. */
    @Test
    void anUnboundedFixedWindowIsInvalid() {
        String linkId = link(id("cust"));
        refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/consents", consentJson(id("consent"), linkId,
                "[\"TRANSACTIONS\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")
                .replace("{\"lookbackDays\": 90}", "{\"from\": \"0001-01-01T00:00:00Z\", \"to\": \"+99999-01-01T00:00:00Z\"}")));
        refusedWithoutEffect(400, "invalid-request", () -> post("/api/v1/consents", consentJson(id("consent"), linkId,
                "[\"TRANSACTIONS\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")
                .replace("{\"lookbackDays\": 90}", "{\"from\": \"2001-01-01T00:00:00Z\", \"to\": \"2002-01-01T00:00:00Z\"}")));
    }

    /** Finding 14: no caller revokes with the ledger's own reason. */
    @Test
    void noCallerRevokesWithAccountUnlinked() {
        String[] ids = authorisedConsent("{\"maxPerDay\": 4}");
        refusedWithoutEffect(403, "forbidden", () -> post("/api/v1/consents/" + ids[1] + "/revoke",
                "{\"reason\": \"ACCOUNT_UNLINKED\", \"initiator\": \"PROVIDER\"}"));
        refusedWithoutEffect(403, "forbidden", () -> post("/api/v1/consents/" + ids[1] + "/revoke",
                "{\"reason\": \"ACCOUNT_UNLINKED\", \"initiator\": \"RECIPIENT\"}", as(MESSENGER)));
    }

    /** Finding 15: strict JSON closes its gaps. */
    @Nested
    class StrictJson {

        @Test
        void aFractionWhereAnIntegerIsExpectedIsMalformed() {
            String linkId = link(id("cust"));
            refusedWithoutEffect(400, "malformed-request", () -> post("/api/v1/consents",
                    consentJson(id("consent"), linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"maxPerDay\": 4}")
                            .replace("{\"lookbackDays\": 90}", "{\"lookbackDays\": 1.5}")));
            refusedWithoutEffect(400, "malformed-request", () -> post("/api/v1/consents",
                    consentJson(id("consent"), linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"maxPerDay\": 4.0}")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1767225600", "1767225600.5", "-1", "\"1767225600\"", "\"2026-01-01\"", "[2026, 1, 1]"})
        void anInstantAsAnEpochNumberIsMalformed(String epoch) {
            String[] ids = authorisedConsent("{\"maxPerDay\": 100}");
            refusedWithoutEffect(400, "malformed-request", () -> post("/api/v1/consents/" + ids[1] + "/shares/balance", """
                    {"linkId": "%s", "amount": 1.00, "currency": "EUR", "asOf": %s, "purpose": "FRAUD_ALERTS"}
                    """.formatted(ids[0], epoch)));
        }

        @Test
        void aByteOrderMarkIsMalformed() {
            byte[] json = linkJson(id("link"), "cust-bom", "EUR").getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[json.length + 3];
            body[0] = (byte) 0xEF;
            body[1] = (byte) 0xBB;
            body[2] = (byte) 0xBF;
            System.arraycopy(json, 0, body, 3, json.length);
            refusedWithoutEffect(400, "malformed-request", () -> send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/links"))
                    .header("Content-Type", "application/json").header("Authorization", "ApiKey " + BANK_1)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()));
        }
    }

    /**
     * Finding 5: a recipient's request on links it may not learn about gets one answer, the answer for an unknown
     * link, whether the link is unknown, unlinked, or of another customer than the other links named.
     */
    @Test
    void aRecipientLearnsNothingOfTheLinksItNames() {
        String linkA = link("cust-a-" + id("x"));
        String linkB = link("cust-b-" + id("x"));
        String unlinked = link(id("cust"));
        assertThat(post("/api/v1/links/" + unlinked + "/unlink", "").status()).isEqualTo(200);
        Response unknown = refusedWithoutEffect(404, "link-unknown", () -> post("/api/v1/consents",
                consentJson(id("consent"), "link-nope-" + id("x"), "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")));
        Response ofUnlinked = refusedWithoutEffect(404, "link-unknown", () -> post("/api/v1/consents",
                consentJson(id("consent"), unlinked, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")));
        Response ofTwoOwners = refusedWithoutEffect(404, "link-unknown", () -> post("/api/v1/consents",
                consentJson(id("consent"), linkA, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")
                        .replace("[\"" + linkA + "\"]", "[\"" + linkA + "\", \"" + linkB + "\"]")));
        for (Response response : new Response[]{ofUnlinked, ofTwoOwners}) {
            assertThat(response.text("detail")).isEqualTo(unknown.text("detail"));
            assertThat(response.text("title")).isEqualTo(unknown.text("title"));
            assertThat(response.text("code")).isEqualTo(unknown.text("code"));
        }
    }

    /**
     * Finding 11: an id in another party's namespace ({@code <partyId>:...}) cannot be taken, so a create in one's
     * own namespace never collides with another party's object and its 409 {@code already-exists} reveals only
     * one's own ids.
     */
    @Nested
    class IdNamespaces {

        @Test
        void aProviderCannotTakeAnIdInAnotherProvidersNamespace() {
            String linkId = "bank-2:" + id("link");
            refusedWithoutEffect(403, "forbidden", () -> post("/api/v1/links", linkJson(linkId, "cust-1", "EUR")));
            Response own = post("/api/v1/links", linkJson(linkId, "cust-1", "EUR").replace("\"bank-1\"", "\"bank-2\""), as(BANK_2));
            assertThat(own.status()).as(own.raw()).isEqualTo(201);
            // A collision in one's own namespace is one's own object (the store may burn a position on it).
            assertThat(post("/api/v1/links", linkJson(linkId, "cust-1", "EUR").replace("\"bank-1\"", "\"bank-2\""),
                    as(BANK_2)).text("code")).isEqualTo("ALREADY_EXISTS");
        }

        @Test
        void aRecipientCannotTakeAnIdInAnotherPartysNamespace() {
            String linkId = link(id("cust"));
            for (String foreign : new String[]{"voice-assistant:" + id("c"), "bank-1:" + id("c")}) {
                refusedWithoutEffect(403, "forbidden", () -> post("/api/v1/consents",
                        consentJson(foreign, linkId, "[\"BALANCES\"]", "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}")));
            }
            Response own = post("/api/v1/consents", consentJson("messenger:" + id("c"), linkId, "[\"BALANCES\"]",
                    "[\"FRAUD_ALERTS\"]", "{\"oneOff\": true}"));
            assertThat(own.status()).as(own.raw()).isEqualTo(201);
        }
    }
}
