package io.consentledger.command.consent;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that retries a share after its {@code Idempotency-Key} record was taken over (the command side crashed
 * between the append and the answer, and {@code pending-timeout} passed) sends the command again. The first attempt
 * is simulated by the same request under no key: it is in the log, its answer was lost. The retry must not record the
 * share a second time (found by the crash-recovery review; docs/domain.md, "Share ids").
 */
class ShareRetryHttpTest extends HttpTestSupport {

    private String balanceBody(String shareId, String linkId, String amount) {
        return """
                {"shareId": "%s", "linkId": "%s", "amount": %s, "currency": "EUR", "asOf": "%s", "purpose": "FRAUD_ALERTS"}
                """.formatted(shareId, linkId, amount, clock.instant().minusSeconds(5));
    }

    private String transactionsBody(String shareId, String linkId, String... ids) {
        StringBuilder transactions = new StringBuilder();
        for (String id : ids) {
            transactions.append(transactions.isEmpty() ? "" : ",").append("""
                    {"transactionId": "%s", "bookedAt": "%s", "amount": -42.10, "currency": "EUR",
                     "description": "Groceries", "channel": "card"}""".formatted(id, clock.instant().minus(2, ChronoUnit.DAYS)));
        }
        return """
                {"shareId": "%s", "linkId": "%s", "purpose": "FRAUD_ALERTS", "transactions": [%s]}
                """.formatted(shareId, linkId, transactions);
    }

    private long eventsOf(String consentId, Class<?> type) {
        return eventsOf(consentId).stream().filter(type::isInstance).count();
    }

    @Test
    void aBalanceShareRetriedUnderANewKeyIsAnsweredAsTheFirstTimeAndRecordedOnce() {
        String[] created = authorisedConsent("{\"maxPerDay\": 4}");
        String linkId = created[0];
        String consentId = created[1];
        String shareId = id("share");
        String body = balanceBody(shareId, linkId, "1250.75");

        Response first = post("/api/v1/consents/" + consentId + "/shares/balance", body);
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        Response retry = post("/api/v1/consents/" + consentId + "/shares/balance", body, "Idempotency-Key", id("key"));

        assertThat(retry.status()).as(retry.raw()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        // the consent answered from its record of the share: the answer is a replay, and says so
        assertThat(retry.headers().firstValue("Idempotency-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(eventsOf(consentId, BalanceShared.class)).isEqualTo(1);
    }

    @Test
    void aTransactionsShareRetriedIsRecordedOnceAndAnswersTheIdsThatWereNew() {
        String[] created = authorisedConsent("{\"maxPerDay\": 4}");
        String linkId = created[0];
        String consentId = created[1];
        String shareId = id("share");
        String body = transactionsBody(shareId, linkId, "tx-1", "tx-2");

        Response first = post("/api/v1/consents/" + consentId + "/shares/transactions", body);
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        Response retry = post("/api/v1/consents/" + consentId + "/shares/transactions", body);

        assertThat(retry.status()).as(retry.raw()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(retry.json().path("newTransactionIds").values()).extracting(n -> n.asString()).containsExactly("tx-1", "tx-2");
        assertThat(retry.headers().firstValue("Idempotency-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(eventsOf(consentId, TransactionsShared.class)).isEqualTo(1);
    }

    @Test
    void theSameShareIdWithAnotherAmountIsAConflictThatChangesNothing() {
        String[] created = authorisedConsent("{\"maxPerDay\": 4}");
        String consentId = created[1];
        String shareId = id("share");
        assertThat(post("/api/v1/consents/" + consentId + "/shares/balance", balanceBody(shareId, created[0], "1.00")).status())
                .isEqualTo(201);
        Long head = headPosition();

        Response other = post("/api/v1/consents/" + consentId + "/shares/balance", balanceBody(shareId, created[0], "2.00"));

        assertThat(other.status()).as(other.raw()).isEqualTo(409);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.text("type")).isEqualTo("https://consent-ledger.dev/problems/already-exists");
        assertThat(other.text("code")).isEqualTo("ALREADY_EXISTS");
        assertThat(headPosition()).isEqualTo(head);
        assertThat(eventsOf(consentId, BalanceShared.class)).isEqualTo(1);
    }
}
