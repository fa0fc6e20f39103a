package io.consentledger.query;

import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.query.access.AccessLogProjection;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.consentledger.query.LedgerScript.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The query side over real HTTP, on the embedded store: events go into the event store as the command side writes
 * them, and the projections answer through the API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class QuerySideApiTest extends HttpTestSupport {

    @Nested
    class Consents {

        @Test
        void followsTheLifecycleWithItsFullHistory() {
            String consent = "consent-" + id;
            script.link("link-" + id).standardConsent(consent, "link-" + id);
            JsonNode requested = awaitJson("/api/v1/consents/" + consent, n -> n.has("status"));
            assertThat(requested.get("status").asText()).isEqualTo("AWAITING_AUTHORISATION");
            assertThat(requested.get("scopes").toString()).contains("BALANCES", "TRANSACTIONS", "TRANSACTIONS_VIA_RECIPIENT");
            assertThat(requested.get("window").get("lookbackDays").asInt()).isEqualTo(90);
            assertThat(requested.get("frequency").get("maxPerDay").asInt()).isEqualTo(100);

            script.later(Duration.ofMinutes(1)).authorise(consent);
            awaitJson("/api/v1/consents/" + consent, n -> n.get("status").asText().equals("AUTHORISED"));

            Instant newExpiry = script.now().plus(Duration.ofDays(200));
            script.later(Duration.ofDays(10)).reauthorise(consent, newExpiry);
            JsonNode reauthorised = awaitJson("/api/v1/consents/" + consent, n -> n.get("history").size() == 3);
            assertThat(Instant.parse(reauthorised.get("expiresAt").asText())).isEqualTo(newExpiry);

            script.later(Duration.ofDays(1)).revoke(consent);
            JsonNode revoked = awaitJson("/api/v1/consents/" + consent, n -> n.get("status").asText().equals("REVOKED"));
            JsonNode last = revoked.get("history").get(3);
            assertThat(last.get("change").asText()).isEqualTo("REVOKED");
            assertThat(last.get("reason").asText()).isEqualTo("CUSTOMER_REQUEST");
            assertThat(last.get("initiator").asText()).isEqualTo("CUSTOMER");
            assertThat(revoked.get("history")).extracting(h -> h.get("change").asText())
                                              .containsExactly("REQUESTED", "AUTHORISED", "REAUTHORISED", "REVOKED");
        }

        @Test
        void recordsRejectionAndExpiry() {
            script.link("link-" + id).standardConsent("rejected-" + id, "link-" + id).reject("rejected-" + id);
            script.standardConsent("expired-" + id, "link-" + id).authorise("expired-" + id).expire("expired-" + id);
            assertThat(awaitJson("/api/v1/consents/rejected-" + id, n -> n.get("status").asText().equals("REJECTED"))
                               .get("history").get(1).get("initiator").asText()).isEqualTo("CUSTOMER");
            assertThat(awaitJson("/api/v1/consents/expired-" + id, n -> n.get("status").asText().equals("EXPIRED"))
                               .get("history").get(2).get("initiator").asText()).isEqualTo("SYSTEM");
        }

        @Test
        void readsExpiredPastItsExpiryEvenBeforeConsentExpiredIsRecorded() {
            script.at(Instant.parse("2025-01-01T00:00:00Z")).link("link-" + id)
                  .standardConsent("old-" + id, "link-" + id).authorise("old-" + id);
            JsonNode view = awaitJson("/api/v1/consents/old-" + id, n -> n.get("recordedStatus").asText().equals("AUTHORISED"));
            assertThat(view.get("status").asText()).isEqualTo("EXPIRED");
        }

        @Test
        void showsTheCustomersDashboard() {
            String customer = "customer-" + id;
            script.link("link-" + id, customer, LedgerScript.PROVIDER)
                  .requestConsent("a-" + id, "voice-assistant", customer, "link-" + id, EnumSet.of(Scope.BALANCES),
                                  EnumSet.of(Purpose.BALANCE_CHECK), TransactionWindow.lookback(30), AccessFrequency.perDay(4))
                  .requestConsent("b-" + id, "messaging-app", customer, "link-" + id, EnumSet.of(Scope.TRANSACTIONS),
                                  EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.once())
                  .authorise("b-" + id);
            JsonNode dashboard = awaitJson("/api/v1/customers/" + customer + "/consents", n -> n.size() == 2
                    && n.findValuesAsString("status").contains("AUTHORISED"));
            assertThat(dashboard.findValuesAsString("recipientId")).containsExactlyInAnyOrder("voice-assistant", "messaging-app");
            assertThat(get("/api/v1/customers/nobody-" + id + "/consents").json().size()).isZero();
        }

        @Test
        void answersUnknownConsentsWithAProblem() {
            Response response = get("/api/v1/consents/no-such-" + id);
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("type").asText()).endsWith("/not-found");
        }
    }

    @Nested
    class Balances {

        @Test
        void addsTransactionsSharedAfterTheBalanceCountingEachIdOnce() {
            String link = "link-" + id;
            String consent = "consent-" + id;
            Instant asOf = Instant.parse("2026-11-01T09:00:00Z");
            script.link(link).standardConsent(consent, link).authorise(consent)
                  .shareBalance(consent, "1000.00", asOf)
                  .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                     tx("t1", "-20.50", asOf.plusSeconds(60)),
                                     tx("old", "-99.00", asOf.minusSeconds(60)))
                  .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                     tx("t1", "-20.50", asOf.plusSeconds(60)),
                                     tx("t2", "5.25", asOf.plusSeconds(120)));
            JsonNode balance = awaitJson("/api/v1/links/" + link + "/balance",
                                         n -> n.get("transactionsSinceBalance").asInt() == 2);
            assertThat(balance.get("amount").decimalValue()).isEqualByComparingTo("984.75");
            assertThat(balance.get("currency").asText()).isEqualTo("GBP");
            assertThat(Instant.parse(balance.get("asOf").asText())).isEqualTo(asOf);
            assertThat(balance.get("derivedFrom")).extracting(n -> n.get("eventType").asText())
                                                  .containsExactly("BalanceShared", "TransactionsShared", "TransactionsShared");
        }

        @Test
        void aNewerBalanceReplacesTheOldOneAndAbsorbsEarlierTransactions() {
            String link = "link-" + id;
            String consent = "consent-" + id;
            Instant first = Instant.parse("2026-11-01T09:00:00Z");
            script.link(link).standardConsent(consent, link).authorise(consent)
                  .shareBalance(consent, "100.00", first)
                  .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS, tx("x", "-10.00", first.plusSeconds(10)))
                  .shareBalance(consent, "90.00", first.plusSeconds(20))
                  .shareBalance(consent, "1.00", first.minusSeconds(20)) // older: ignored
                  .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS, tx("y", "-5.00", first.plusSeconds(30)));
            // The link's events are projected in order, so once the last one (the only transaction booked at +30 s)
            // is visible, every earlier one has been applied: the wait cannot end on an intermediate state.
            Instant last = first.plusSeconds(30);
            JsonNode balance = awaitJson("/api/v1/links/" + link + "/balance",
                                         n -> n.path("latestTransactionBookedAt").isTextual()
                                              && Instant.parse(n.get("latestTransactionBookedAt").asText()).equals(last));
            assertThat(Instant.parse(balance.get("asOf").asText())).isEqualTo(first.plusSeconds(20));
            assertThat(balance.get("amount").decimalValue()).isEqualByComparingTo("85.00"); // 90.00, then -5.00
            assertThat(balance.get("transactionsSinceBalance").asInt()).isEqualTo(1); // "x" is in the 90.00
        }

        @Test
        void unknownLinksAre404() {
            assertThat(get("/api/v1/links/none-" + id + "/balance").status()).isEqualTo(404);
        }
    }

    @Nested
    class AccessHistory {

        private void threeShares(String customer) {
            String link = "link-" + id;
            script.link(link, customer, LedgerScript.PROVIDER)
                  .requestConsent("c-" + id, LedgerScript.RECIPIENT, customer, link,
                                  EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                                  EnumSet.of(Purpose.FRAUD_ALERTS, Purpose.CUSTOMER_SERVICE),
                                  TransactionWindow.lookback(90), AccessFrequency.perDay(100))
                  .authorise("c-" + id)
                  .later(Duration.ofMinutes(1)).shareBalance("c-" + id, "10.00", script.now())
                  .later(Duration.ofMinutes(1)).shareTransactions("c-" + id, Scope.TRANSACTIONS, Purpose.CUSTOMER_SERVICE,
                                                                  tx("a", "1.00", script.now().minusSeconds(5)))
                  .later(Duration.ofMinutes(1)).shareBalance("c-" + id, "11.00", script.now(), Purpose.CUSTOMER_SERVICE);
        }

        @Test
        void recordsWhoSawWhatWhenUnderWhichConsentAndWhy() {
            String customer = "customer-" + id;
            threeShares(customer);
            JsonNode page = awaitJson("/api/v1/audit/access?customerId=" + customer,
                                      n -> n.get("records").size() == 3);
            JsonNode transactions = page.get("records").get(1);
            assertThat(transactions.get("recipientId").asText()).isEqualTo(LedgerScript.RECIPIENT);
            assertThat(transactions.get("providerId").asText()).isEqualTo(LedgerScript.PROVIDER);
            assertThat(transactions.get("consentId").asText()).isEqualTo("c-" + id);
            assertThat(transactions.get("linkId").asText()).isEqualTo("link-" + id);
            assertThat(transactions.get("scope").asText()).isEqualTo("TRANSACTIONS");
            assertThat(transactions.get("purpose").asText()).isEqualTo("CUSTOMER_SERVICE");
            assertThat(transactions.get("transactionIds").toString()).contains("\"a\"");
            assertThat(transactions.get("windowFrom").asText()).isNotEmpty();
            assertThat(transactions.get("globalPosition").asLong()).isPositive();
            assertThat(transactions.get("correlationId").asText()).startsWith("corr-");
            assertThat(transactions.get("principal").asText()).isEqualTo("test-principal");

            assertThat(get("/api/v1/audit/access?customerId=" + customer + "&purpose=FRAUD_ALERTS").json()
                               .get("records").size()).isEqualTo(1);
            assertThat(get("/api/v1/audit/access?customerId=" + customer + "&scope=BALANCES").json()
                               .get("records").size()).isEqualTo(2);
            assertThat(get("/api/v1/audit/access?consentId=c-" + id + "&recipientId=" + LedgerScript.RECIPIENT
                                   + "&providerId=" + LedgerScript.PROVIDER + "&linkId=link-" + id).json()
                               .get("records").size()).isEqualTo(3);
            String from = q(script.now().minusSeconds(90).toString()); // the last two shares
            String to = q(script.now().toString());                     // exclusive: not the last one
            assertThat(get("/api/v1/audit/access?customerId=" + customer + "&from=" + from).json()
                               .get("records").size()).isEqualTo(2);
            assertThat(get("/api/v1/audit/access?customerId=" + customer + "&from=" + from + "&to=" + to).json()
                               .get("records").size()).isEqualTo(1);
        }

        @Test
        void pagesOldestOrNewestFirstWithCursors() {
            String customer = "customer-" + id;
            threeShares(customer);
            awaitJson("/api/v1/audit/access?customerId=" + customer, n -> n.get("records").size() == 3);

            JsonNode first = get("/api/v1/audit/access?customerId=" + customer + "&limit=2&order=newest").json();
            assertThat(first.get("records").size()).isEqualTo(2);
            JsonNode second = get("/api/v1/audit/access?customerId=" + customer + "&limit=2&order=newest&cursor="
                                          + first.get("nextCursor").asText()).json();
            assertThat(second.get("records").size()).isEqualTo(1);
            assertThat(second.get("nextCursor").isNull()).isTrue();
            assertThat(first.get("records").get(0).get("purpose").asText()).isEqualTo("CUSTOMER_SERVICE");
            assertThat(second.get("records").get(0).get("scope").asText()).isEqualTo("BALANCES");
        }

        @Test
        void refusesBadParametersWithProblems() {
            for (String path : List.of("/api/v1/audit/access?limit=501", "/api/v1/audit/access?limit=0",
                                       "/api/v1/audit/access?order=sideways", "/api/v1/audit/access?cursor=!!!",
                                       "/api/v1/audit/access?cursor=YTox", // "a:1" used with newest-first below
                                       "/api/v1/audit/access?purpose=GOSSIP", "/api/v1/audit/access?from=yesterday",
                                       "/api/v1/audit/access/export?format=xml")) {
                String withOrder = path.endsWith("YTox") ? path + "&order=newest" : path;
                Response response = get(withOrder);
                assertThat(response.status()).as(withOrder).isEqualTo(400);
                assertThat(response.contentType()).as(withOrder).startsWith("application/problem+json");
                assertThat(response.body()).as(withOrder).doesNotContain("Exception", "at io.", "java.");
            }
        }

        @Test
        void exportsTheSameFilterAsNdjsonAndCsv() {
            String customer = "customer-" + id;
            threeShares(customer);
            awaitJson("/api/v1/audit/access?customerId=" + customer, n -> n.get("records").size() == 3);

            Response ndjson = get("/api/v1/audit/access/export?customerId=" + customer);
            assertThat(ndjson.status()).isEqualTo(200);
            assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
            String[] lines = ndjson.body().strip().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(json.readTree(lines[0]).get("customerId").asText()).isEqualTo(customer);

            Response csv = get("/api/v1/audit/access/export?format=csv&customerId=" + customer + "&purpose=FRAUD_ALERTS");
            assertThat(csv.contentType()).startsWith("text/csv");
            String[] rows = csv.body().strip().split("\n");
            assertThat(rows).hasSize(2);
            assertThat(rows[0]).startsWith("eventId,globalPosition,sharedAt");
            assertThat(rows[1]).contains("\"FRAUD_ALERTS\"", "\"" + customer + "\"");
        }

        @Test
        void staysStableWhileNewSharesArrive() throws Exception {
            String customer = "customer-" + id;
            String link = "link-" + id;
            script.link(link, customer, LedgerScript.PROVIDER).requestConsent("c-" + id, LedgerScript.RECIPIENT, customer, link,
                    EnumSet.of(Scope.BALANCES), EnumSet.of(Purpose.BALANCE_CHECK), TransactionWindow.lookback(1),
                    AccessFrequency.perDay(10_000)).authorise("c-" + id);
            for (int i = 0; i < 30; i++) {
                script.shareBalance("c-" + id, i + ".00", script.now(), Purpose.BALANCE_CHECK);
            }
            awaitJson("/api/v1/audit/access?customerId=" + customer, n -> n.get("records").size() == 30);

            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                LedgerScript concurrent = script;
                for (int i = 0; i < 60 && writing.get(); i++) {
                    concurrent.shareBalance("c-" + id, "1" + i + ".00", concurrent.now(), Purpose.BALANCE_CHECK);
                }
            });
            writer.start();
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = get("/api/v1/audit/access?customerId=" + customer + "&limit=7"
                                            + (cursor == null ? "" : "&cursor=" + cursor)).json();
                page.get("records").forEach(r -> seen.add(r.get("eventId").asText()));
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
                Thread.sleep(20);
            } while (cursor != null);
            writer.join();
            writing.set(false);
            JsonNode all = awaitJson("/api/v1/audit/access?customerId=" + customer + "&limit=500",
                                     n -> n.get("records").size() == 90);

            assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(30);
            List<String> everything = new ArrayList<>();
            all.get("records").forEach(r -> everything.add(r.get("eventId").asText()));
            assertThat(everything.subList(0, seen.size())).as("pages are a gap-free prefix").isEqualTo(seen);
        }
    }

    @Nested
    class AuditorQuestions {

        @Test
        void listsTheRecipientsThatSawACustomersDataAndWhy() {
            String customer = "customer-" + id;
            String link = "link-" + id;
            script.link(link, customer, LedgerScript.PROVIDER)
                  .requestConsent("m-" + id, "messaging-app", customer, link, EnumSet.of(Scope.BALANCES),
                                  EnumSet.of(Purpose.FRAUD_ALERTS, Purpose.CUSTOMER_SERVICE), TransactionWindow.lookback(5),
                                  AccessFrequency.perDay(10)).authorise("m-" + id)
                  .requestConsent("v-" + id, "voice-assistant", customer, link, EnumSet.of(Scope.BALANCES),
                                  EnumSet.of(Purpose.BALANCE_CHECK), TransactionWindow.lookback(5),
                                  AccessFrequency.perDay(10)).authorise("v-" + id)
                  .shareBalance("m-" + id, "1.00", script.now(), Purpose.FRAUD_ALERTS)
                  .later(Duration.ofHours(1)).shareBalance("m-" + id, "1.00", script.now(), Purpose.CUSTOMER_SERVICE)
                  .later(Duration.ofDays(3)).shareBalance("v-" + id, "1.00", script.now(), Purpose.BALANCE_CHECK);

            JsonNode all = awaitJson("/api/v1/audit/customers/" + customer + "/recipients", n -> n.size() == 2);
            JsonNode messaging = all.get(0);
            assertThat(messaging.get("recipientId").asText()).isEqualTo("messaging-app");
            assertThat(messaging.get("purposes").toString()).contains("FRAUD_ALERTS", "CUSTOMER_SERVICE");
            assertThat(messaging.get("shares").asInt()).isEqualTo(2);

            String to = q(script.now().minus(Duration.ofDays(1)).toString());
            JsonNode early = get("/api/v1/audit/customers/" + customer + "/recipients?to=" + to).json();
            assertThat(early.findValuesAsString("recipientId")).containsExactly("messaging-app");
        }

        @Test
        void findsNoViolationAfterANormalScenario() {
            String consent = "consent-" + id;
            script.link("link-" + id).standardConsent(consent, "link-" + id).authorise(consent)
                  .shareBalance(consent, "5.00", script.now())
                  .shareTransactions(consent, Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS, tx("n1", "1.00", script.now().minusSeconds(3600)))
                  .revoke(consent);
            JsonNode report = awaitJson("/api/v1/audit/compliance?consentId=" + consent,
                                        n -> n.get("sharesChecked").asLong() >= 2
                                                && n.get("checkedThroughPosition").asLong() >= n.get("logHeadPosition").asLong());
            assertThat(report.get("compliant").asBoolean()).isTrue();
            assertThat(report.get("violations").size()).isZero();
        }

        @Test
        void findsViolationsPlantedInTheEventStoreBypassingTheCommandSide() {
            String consent = "consent-" + id;
            Instant now = script.now();
            script.link("link-" + id)
                  .requestConsent(consent, "link-" + id, EnumSet.of(Scope.TRANSACTIONS_VIA_RECIPIENT),
                                  EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.perDay(10))
                  .shareBalance(consent, "1.00", now)                                  // before authorisation, scope
                  .authorise(consent)
                  .shareTransactions(consent, Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.ADVERTISING,
                                     tx("far", "1.00", now.minus(Duration.ofDays(31))), // outside the window
                                     tx("shop", "2.00", now.minusSeconds(60), "elsewhere")) // not via the recipient
                  .revoke(consent)
                  .later(Duration.ofSeconds(1))
                  .shareTransactions(consent, Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.FRAUD_ALERTS,
                                     tx("late", "1.00", script.now().minusSeconds(60), LedgerScript.RECIPIENT));

            JsonNode report = awaitJson("/api/v1/audit/compliance?consentId=" + consent,
                                        n -> n.get("sharesChecked").asLong() >= 3 && n.get("violations").size() >= 6);
            assertThat(report.get("compliant").asBoolean()).isFalse();
            assertThat(report.get("violations").findValuesAsString("rule")).contains(
                    "SHARED_BEFORE_AUTHORISATION", "SCOPE_NOT_GRANTED", "PURPOSE_NOT_GRANTED", "OUTSIDE_WINDOW",
                    "CHANNEL_NOT_RECIPIENT", "SHARED_AFTER_REVOCATION");
            JsonNode outside = findRule(report, "OUTSIDE_WINDOW");
            assertThat(outside.get("detail").asText()).contains("far").doesNotContain("shop");
        }

        @Test
        void findsSharesAfterRejectionExpiryAndUnlinkBeyondTheFrequencyAndOutsideAnyConsent() {
            Instant now = script.now();
            String rejected = "rejected-" + id;
            String expired = "expired-" + id;
            String unlinked = "unlinked-" + id;
            String once = "once-" + id;
            String foreign = "foreign-" + id;
            script.link("link-" + id).link("link-b-" + id).link("link-c-" + id)
                  .standardConsent(rejected, "link-" + id).reject(rejected)
                  .shareBalance(rejected, "1.00", now)
                  .standardConsent(expired, "link-" + id).authorise(expired)
                  .later(Duration.ofDays(91)).shareBalance(expired, "1.00", script.now())   // past expiresAt
                  .at(now)
                  .standardConsent(unlinked, "link-b-" + id).authorise(unlinked).unlink("link-b-" + id)
                  .shareBalance(unlinked, "1.00", now)
                  .requestConsent(once, "link-c-" + id, EnumSet.of(Scope.BALANCES), EnumSet.of(Purpose.BALANCE_CHECK),
                                  TransactionWindow.lookback(1), AccessFrequency.once()).authorise(once)
                  .shareBalance(once, "1.00", now, Purpose.BALANCE_CHECK)
                  .shareBalance(once, "2.00", now, Purpose.BALANCE_CHECK)
                  .standardConsent(foreign, "link-c-" + id).authorise(foreign)
                  .plant("Consent", foreign, new io.consentledger.contracts.share.BalanceShared(
                          "share-x-" + id, foreign, "link-" + id, "someone-else", LedgerScript.PROVIDER,
                          LedgerScript.CUSTOMER, Scope.BALANCES, Purpose.FRAUD_ALERTS, java.math.BigDecimal.ONE, "GBP",
                          now, new io.consentledger.contracts.common.AppliedWindow(now.minusSeconds(60), now), now))
                  .plant("Consent", "never-requested-" + id, new io.consentledger.contracts.share.BalanceShared(
                          "share-y-" + id, "never-requested-" + id, "link-" + id, LedgerScript.RECIPIENT,
                          LedgerScript.PROVIDER, LedgerScript.CUSTOMER, Scope.BALANCES, Purpose.FRAUD_ALERTS,
                          java.math.BigDecimal.ONE, "GBP", now,
                          new io.consentledger.contracts.common.AppliedWindow(now.minusSeconds(60), now), now));

            assertThat(rules(rejected)).contains("SHARED_AFTER_REJECTION");
            assertThat(rules(expired)).contains("SHARED_AFTER_EXPIRY");
            assertThat(rules(unlinked)).contains("SHARED_AFTER_UNLINK");
            assertThat(rules(once)).containsExactly("FREQUENCY_EXCEEDED");
            assertThat(rules(foreign)).contains("RECIPIENT_MISMATCH", "LINK_NOT_IN_CONSENT");
            assertThat(rules("never-requested-" + id)).containsExactly("UNKNOWN_CONSENT");
        }

        private List<String> rules(String consentId) {
            JsonNode report = awaitJson("/api/v1/audit/compliance?consentId=" + consentId,
                                        n -> n.get("violations").size() > 0
                                                && n.get("checkedThroughPosition").asLong() >= n.get("logHeadPosition").asLong());
            return report.get("violations").findValuesAsString("rule");
        }

        private JsonNode findRule(JsonNode report, String rule) {
            for (JsonNode violation : report.get("violations")) {
                if (violation.get("rule").asText().equals(rule)) {
                    return violation;
                }
            }
            throw new AssertionError("no " + rule);
        }

        @Test
        void servesTheRawEventLogInGlobalOrder() {
            String consent = "consent-" + id;
            script.link("link-" + id).standardConsent(consent, "link-" + id).authorise(consent);
            JsonNode stream = awaitJson("/api/v1/audit/events?aggregateId=" + consent, n -> n.get("events").size() == 2);
            assertThat(stream.get("events").get(0).get("payloadType").asText()).endsWith("ConsentRequested");
            assertThat(stream.get("events").get(0).get("metaData").get("correlationId").asText()).startsWith("corr-");
            assertThat(stream.get("events").get(1).get("payload").get("consentId").asText()).isEqualTo(consent);

            JsonNode authorisations = get("/api/v1/audit/events?type=ConsentAuthorised&limit=1000").json();
            assertThat(authorisations.get("events").findValuesAsString("aggregateId")).contains(consent);
            long first = authorisations.get("events").get(0).get("position").asLong();
            assertThat(authorisations.get("events")).allSatisfy(e -> assertThat(e.get("payloadType").asText()).endsWith("ConsentAuthorised"));
            assertThat(first).isPositive();
            assertThat(get("/api/v1/audit/events?limit=1001").status()).isEqualTo(400);
        }
    }
}
