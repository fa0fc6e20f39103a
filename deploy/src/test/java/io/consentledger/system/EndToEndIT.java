package io.consentledger.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed scenario through the command side's HTTP API, read back through the query side's, with both applications
 * as separate processes on one embedded store.
 */
class EndToEndIT {

    private static LedgerProcesses ledger;
    private static String command;
    private static String query;

    @BeforeAll
    static void start() throws Exception {
        ledger = LedgerProcesses.start("end-to-end", 1, 1);
        command = ledger.command(0) + "/api/v1";
        query = ledger.query(0) + "/api/v1";
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @Test
    void whatABankSharesIsWhatTheAuditorSees() throws Exception {
        Instant now = Instant.now();
        String evidence = "{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"" + now + "\",\"disclosureVersion\":\"tc-7\"}";
        String expires = now.plus(Duration.ofDays(180)).toString();
        // The balance is as of a minute ago and the transaction was booked after it, so the balance counts it; both lie
        // in the past, inside the lookback window that ends at the time of the share.
        Instant asOf = now.minusSeconds(60);
        Instant bookedAt = now.minusSeconds(30);

        // 1. A bank links a customer's account.
        assertThat(Api.BANK.post(command + "/links", "{\"linkId\":\"link-e2e\",\"customerId\":\"cust-e2e\","
                + "\"providerId\":\"bank-1\",\"accountId\":\"acc-e2e\",\"currency\":\"EUR\",\"evidence\":" + evidence + "}")
                          .status()).isEqualTo(201);
        // 2. A messaging platform requests balances and transactions for fraud alerts and customer service.
        Api.Response requested = Api.MESSENGER.post(command + "/consents", "{\"consentId\":\"consent-e2e\","
                + "\"recipientId\":\"messenger\",\"linkIds\":[\"link-e2e\"],\"scopes\":[\"BALANCES\",\"TRANSACTIONS\"],"
                + "\"purposes\":[\"FRAUD_ALERTS\",\"CUSTOMER_SERVICE\"],\"expiresAt\":\"" + expires + "\","
                + "\"window\":{\"lookbackDays\":90},\"frequency\":{\"maxPerDay\":10}}");
        assertThat(requested.status()).isEqualTo(201);
        assertThat(requested.text("status")).isEqualTo("AWAITING_AUTHORISATION");
        // 3. The bank records the customer's authorisation.
        assertThat(Api.BANK.post(command + "/consents/consent-e2e/authorise", "{\"evidence\":" + evidence + "}").status())
                .isEqualTo(200);
        // 4. The bank shares the balance and transactions.
        assertThat(Api.BANK.post(command + "/consents/consent-e2e/shares/balance", "{\"linkId\":\"link-e2e\","
                + "\"amount\":1250.75,\"currency\":\"EUR\",\"asOf\":\"" + asOf + "\",\"purpose\":\"FRAUD_ALERTS\"}").status())
                .isEqualTo(201);
        Api.Response transactions = Api.BANK.post(command + "/consents/consent-e2e/shares/transactions",
                "{\"linkId\":\"link-e2e\",\"purpose\":\"CUSTOMER_SERVICE\",\"transactions\":["
                + "{\"transactionId\":\"tx-1\",\"bookedAt\":\"" + bookedAt + "\",\"amount\":-42.10,\"currency\":\"EUR\","
                + "\"description\":\"Groceries\",\"merchant\":\"Corner Shop\",\"channel\":\"card\"}]}");
        assertThat(transactions.status()).as(transactions.toString()).isEqualTo(201);
        // 5. Advertising is refused.
        Api.Response advertising = Api.MESSENGER.post(command + "/consents", "{\"recipientId\":\"messenger\","
                + "\"linkIds\":[\"link-e2e\"],\"scopes\":[\"BALANCES\"],\"purposes\":[\"ADVERTISING\"],\"expiresAt\":\""
                + expires + "\",\"window\":{\"lookbackDays\":90},\"frequency\":{\"maxPerDay\":1}}");
        assertThat(advertising.status()).isEqualTo(409);
        assertThat(advertising.text("type")).endsWith("/prohibited-purpose");
        // 6. The customer revokes the consent, through the bank.
        assertThat(Api.BANK.post(command + "/consents/consent-e2e/revoke",
                                 "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}").status()).isEqualTo(200);
        // 7. A later share is refused.
        Api.Response late = Api.BANK.post(command + "/consents/consent-e2e/shares/balance", "{\"linkId\":\"link-e2e\","
                + "\"amount\":1.00,\"currency\":\"EUR\",\"asOf\":\"" + now + "\",\"purpose\":\"FRAUD_ALERTS\"}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.text("type")).endsWith("/consent-revoked");

        // The auditor's view, from the query side.
        JsonNode access = Api.AUDITOR.await(query + "/audit/access?customerId=cust-e2e",
                                            r -> r.status() == 200 && r.body().path("records").size() == 2).body();
        JsonNode balanceShare = access.path("records").get(0);
        assertThat(balanceShare.path("recipientId").asText()).isEqualTo("messenger");
        assertThat(balanceShare.path("providerId").asText()).isEqualTo("bank-1");
        assertThat(balanceShare.path("consentId").asText()).isEqualTo("consent-e2e");
        assertThat(balanceShare.path("purpose").asText()).isEqualTo("FRAUD_ALERTS");
        assertThat(balanceShare.path("principal").asText()).as("attribution").isEqualTo("bank-1");
        assertThat(balanceShare.path("correlationId").asText()).isNotBlank();
        assertThat(access.path("records").get(1).path("transactionIds").toString()).contains("tx-1");

        JsonNode recipients = Api.AUDITOR.await(query + "/audit/customers/cust-e2e/recipients",
                                                r -> r.status() == 200 && r.body().size() == 1).body();
        assertThat(recipients.get(0).path("purposes").toString()).contains("FRAUD_ALERTS", "CUSTOMER_SERVICE");

        JsonNode consent = Api.AUDITOR.await(query + "/consents/consent-e2e",
                                             r -> r.status() == 200 && "REVOKED".equals(r.text("status"))).body();
        List<String> changes = new ArrayList<>();
        consent.path("history").forEach(h -> changes.add(h.path("change").asText()));
        assertThat(changes).containsExactly("REQUESTED", "AUTHORISED", "REVOKED");
        assertThat(consent.path("history").get(2).path("initiator").asText()).isEqualTo("CUSTOMER");

        JsonNode balance = Api.AUDITOR.await(query + "/links/link-e2e/balance",
                                             r -> r.status() == 200 && r.body().path("transactionsSinceBalance").asInt() == 1).body();
        assertThat(balance.path("amount").decimalValue()).isEqualByComparingTo("1208.65");

        JsonNode compliance = Api.AUDITOR.await(query + "/audit/compliance?consentId=consent-e2e",
                r -> r.status() == 200 && r.body().path("sharesChecked").asLong() >= 2
                        && r.body().path("checkedThroughPosition").asLong() >= r.body().path("logHeadPosition").asLong()).body();
        assertThat(compliance.path("compliant").asBoolean()).isTrue();

        JsonNode events = Api.AUDITOR.get(query + "/audit/events?aggregateId=consent-e2e").body();
        assertThat(events.path("events").size()).isEqualTo(5);
        assertThat(events.path("events").get(0).path("metaData").path("party").asText()).isEqualTo("RECIPIENT:messenger");
    }
}
