package io.consentledger.command.customer;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.customer.CustomerErasureRequested;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.eventstore.privacy.CustomerKeys;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16 on the command side, over HTTP: the provider asks for a customer's erasure; with no authorisation it
 * happens at once, otherwise 3 years after the latest authorisation (the sweep, on a hand-moved clock); afterwards
 * the aggregates still load, commands needing new personal data are refused, and no key is re-created.
 */
class ErasureHttpTest extends HttpTestSupport {

    @Autowired
    CustomerDirectory directory;
    @Autowired
    ErasureSweeper sweeper;
    @Autowired
    CustomerKeys keys;
    @Autowired
    com.mongodb.client.MongoDatabase database;

    private void awaitKnown(String subject, boolean withAuthorisation) {
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.find(subject)
                .filter(e -> !withAuthorisation || e.latestAuthorisationAt() != null).isPresent());
    }

    private Response erase(String customerId, String... headers) {
        return post("/api/v1/customers/" + customerId + "/erasure", "", headers);
    }

    @Test
    void aCustomerWithNoAuthorisationIsErasedAtOnce() {
        String customer = id("cust");
        String linkId = link(customer);
        awaitKnown("bank-1/" + customer, false);

        Response erased = erase(customer);

        assertThat(erased.status()).as(erased.raw()).isEqualTo(202);
        assertThat(erased.text("status")).isEqualTo("ERASED");
        assertThat(eventsOf("bank-1/" + customer)).hasExactlyElementsOfTypes(CustomerErasureRequested.class, CustomerDataErased.class);
        BankAccountLinked link = (BankAccountLinked) eventsOf(linkId).get(0);
        assertThat(link.accountId()).isNull();
        assertThat(link.evidence()).isNull();
        assertThat(link.customerId()).isEqualTo(customer);
        assertThat(keys.erasedAt("bank-1/" + customer)).isPresent();
        // idempotent
        assertThat(erase(customer).text("status")).isEqualTo("ERASED");
        assertThat(eventsOf("bank-1/" + customer)).hasSize(2);
        // no new personal data, no new key: a new link of the customer is refused, and its unlink still works
        Response relink = post("/api/v1/links", linkJson(id("link"), customer, "EUR"));
        assertThat(relink.status()).as(relink.raw()).isEqualTo(409);
        assertThat(relink.contentType()).startsWith("application/problem+json");
        assertThat(relink.text("code")).isEqualTo("CUSTOMER_ERASED");
        assertThat(relink.text("type")).isEqualTo("https://consent-ledger.dev/problems/customer-erased");
        assertThat(post("/api/v1/links/" + linkId + "/unlink", "").status()).isEqualTo(200);
        assertThat(keys.erasedAt("bank-1/" + customer)).isPresent();
        assertThat(database.getCollection(CustomerKeys.COLLECTION).find(eq("_id", "bank-1/" + customer)).first())
                .isNotNull().satisfies(d -> assertThat(d.containsKey("wrapped")).isFalse());
    }

    @Test
    void withAnAuthorisationTheErasureWaitsThreeYearsAndThenHappens() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 10}");
        String linkId = consent[0];
        String consentId = consent[1];
        String customer = ((BankAccountLinked) eventsOf(linkId).get(0)).customerId();
        String subject = "bank-1/" + customer;
        assertThat(post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1520.35", "EUR")).status()).isEqualTo(201);
        awaitKnown(subject, true);
        Instant authorisedAt = directory.find(subject).orElseThrow().latestAuthorisationAt();
        Instant due = authorisedAt.atOffset(ZoneOffset.UTC).plusYears(3).toInstant();

        Response requested = erase(customer);

        assertThat(requested.status()).as(requested.raw()).isEqualTo(202);
        assertThat(requested.text("status")).isEqualTo("PENDING");
        assertThat(Instant.parse(requested.text("eraseAt"))).isEqualTo(due);
        // new personal data is refused from the request on; revocation still works
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Response share = post("/api/v1/consents/" + consentId + "/shares/balance", balanceJson(linkId, "1", "EUR"));
            assertThat(share.status()).as(share.raw()).isEqualTo(409);
            assertThat(share.text("code")).isEqualTo("CUSTOMER_ERASED");
        });
        assertThat(post("/api/v1/consents/" + consentId + "/revoke", "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}")
                           .status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.pendingDue(due).stream().anyMatch(e -> e.subjectId().equals(subject)));

        clock.set(due.minusMillis(1));
        sweeper.sweep();
        assertThat(eventsOf(subject)).noneMatch(CustomerDataErased.class::isInstance);
        assertThat(((BankAccountLinked) eventsOf(linkId).get(0)).accountId()).isEqualTo("acc-" + linkId);

        clock.set(due);
        assertThat(sweeper.sweep()).isEqualTo(1);
        assertThat(eventsOf(subject)).filteredOn(CustomerDataErased.class::isInstance).singleElement()
                                     .satisfies(e -> assertThat(((CustomerDataErased) e).erasedAt()).isEqualTo(due));
        assertThat(sweeper.sweep()).isZero();
        // the consent still loads: its links read as erased, the proof fields stay
        ConsentRequested request = (ConsentRequested) eventsOf(consentId).get(0);
        assertThat(request.links()).singleElement().satisfies(l -> {
            assertThat(l.accountId()).isNull();
            assertThat(l.linkId()).isEqualTo(linkId);
        });
        Response afterwards = post("/api/v1/consents/" + consentId + "/revoke", "{\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}");
        assertThat(afterwards.status()).as(afterwards.raw()).isEqualTo(409);
        assertThat(afterwards.text("code")).isEqualTo("CONSENT_REVOKED");
        assertThat(erase(customer).text("status")).isEqualTo("ERASED");
    }

    @Test
    void badRequestsAreProblemsAndChangeNothing() {
        String customer = id("cust");
        link(customer);
        awaitKnown("bank-1/" + customer, false);
        Long head = headPosition();

        Response recipient = erase(customer, as(MESSENGER));
        assertThat(recipient.status()).isEqualTo(403);
        Response otherProvider = erase(customer, as(BANK_2));
        assertThat(otherProvider.status()).as(otherProvider.raw()).isEqualTo(404);
        assertThat(otherProvider.text("code")).isEqualTo("CUSTOMER_UNKNOWN");
        Response unknown = erase(id("nobody"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("type")).isEqualTo("https://consent-ledger.dev/problems/customer-unknown");
        Response invalid = erase("bad..id%20x");
        assertThat(invalid.status()).as(invalid.raw()).isEqualTo(400);
        Response auditor = erase(customer, as(AUDITOR));
        assertThat(auditor.status()).isEqualTo(403);
        Response anonymous = erase(customer, "X-Anonymous", "yes");
        assertThat(anonymous.status()).isEqualTo(401);
        for (Response r : List.of(recipient, otherProvider, unknown, invalid, auditor, anonymous)) {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.raw()).doesNotContain("Exception", "at io.", "at org.");
        }
        assertThat(headPosition()).as("a refused request appends nothing").isEqualTo(head);
        assertThat(database.getCollection(CustomerKeys.COLLECTION).find(eq("_id", "bank-2/" + customer)).first()).isNull();
        assertThat(database.getCollection(CustomerKeys.COLLECTION).find(eq("_id", "bank-1/" + customer)).first())
                .extracting(d -> ((Document) d).containsKey("wrapped")).isEqualTo(true);
    }
}
