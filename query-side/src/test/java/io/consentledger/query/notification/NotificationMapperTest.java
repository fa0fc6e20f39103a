package io.consentledger.query.notification;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRejected;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentRevoked;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationMapperTest {

    private static final Instant T = Instant.parse("2026-12-01T10:15:30.123Z");
    private static final Subscriber RECIPIENT = Subscriber.recipient("messenger");
    private static final Subscriber PROVIDER = Subscriber.provider("bank-1");

    @Test
    void aRevocationGoesToTheConsentsRecipientAndProviderWithReasonInitiatorAndLinks() {
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1", "l-2"),
                RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM, T);

        AddressedNotification n = NotificationMapper.map(revoked, "ev-1", 42).orElseThrow();

        assertThat(n.audience()).containsExactlyInAnyOrder(RECIPIENT, PROVIDER);
        assertThat(n.orderingKey()).isEqualTo("consent:c-1");
        assertThat(n.notification()).isEqualTo(new Notification("consent.revoked", "ev-1", 42, T, "c-1", null,
                List.of("l-1", "l-2"), null, "REVOKED", "ACCOUNT_UNLINKED", "SYSTEM"));
    }

    @Test
    void everyConsentEventBecomesItsTypeAndStatus() {
        var requested = new ConsentRequested("c-1", "messenger", "cust-9", "bank-1",
                List.of(new ConsentedLink("l-1", "cust-9", "bank-1", "acc-1", "GBP")), Set.of(Scope.BALANCES),
                Set.of(Scope.BALANCES), Set.of(), T.plusSeconds(86400), null, null, T);
        var authorised = new ConsentAuthorised("c-1", "messenger", "cust-9", "bank-1", null, T, T);
        var rejected = new ConsentRejected("c-1", "messenger", "cust-9", "bank-1", Initiator.CUSTOMER, T);
        var reauthorised = new ConsentReauthorised("c-1", "messenger", "cust-9", "bank-1", null, T, T, T);
        var expired = new ConsentExpired("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"), T, T);

        assertThat(List.of(requested, authorised, rejected, reauthorised, expired).stream()
                .map(e -> NotificationMapper.map(e, "ev", 1).orElseThrow())
                .map(a -> a.notification().type() + " " + a.notification().status() + " "
                        + a.notification().initiator() + " " + a.audience().size()))
                .containsExactly("consent.requested AWAITING_AUTHORISATION null 2", "consent.authorised AUTHORISED null 2",
                        "consent.rejected REJECTED CUSTOMER 2", "consent.reauthorised AUTHORISED null 2",
                        "consent.expired EXPIRED SYSTEM 2");
        assertThat(NotificationMapper.map(requested, "ev", 1).orElseThrow().notification().linkIds())
                .containsExactly("l-1");
    }

    @Test
    void anUnlinkGoesToTheLinksProviderOnly() {
        var unlinked = new BankAccountUnlinked("l-1", "cust-9", "bank-1", Initiator.CUSTOMER, T);

        AddressedNotification n = NotificationMapper.map(unlinked, "ev-2", 7).orElseThrow();

        assertThat(n.audience()).containsExactly(PROVIDER);
        assertThat(n.orderingKey()).isEqualTo("link:l-1");
        assertThat(n.notification().type()).isEqualTo("link.unlinked");
        assertThat(n.notification().linkId()).isEqualTo("l-1");
        assertThat(n.notification().status()).isEqualTo("UNLINKED");
    }

    @Test
    void aShareGoesToItsProviderAndRecipientOnlyAndCarriesNoAmounts() {
        var balance = new BalanceShared("s-1", "c-1", "l-1", "messenger", "bank-1", "cust-9", Scope.BALANCES, null,
                new BigDecimal("1520.35"), "GBP", T, null, T);
        var transactions = new TransactionsShared("s-2", "c-1", "l-1", "messenger", "bank-1", "cust-9",
                Scope.TRANSACTIONS, null, List.of("t-1"), List.of("t-1"), null, T, List.of());

        AddressedNotification b = NotificationMapper.map(balance, "ev-3", 8).orElseThrow();
        AddressedNotification t = NotificationMapper.map(transactions, "ev-4", 9).orElseThrow();

        assertThat(b.audience()).containsExactlyInAnyOrder(RECIPIENT, PROVIDER);
        assertThat(b.notification().type()).isEqualTo("share.recorded");
        assertThat(b.notification().shareId()).isEqualTo("s-1");
        assertThat(b.orderingKey()).isEqualTo("consent:c-1");
        assertThat(NotificationJson.write(b.notification())).doesNotContain("1520", "GBP", "cust-9");
        assertThat(NotificationJson.write(t.notification())).doesNotContain("t-1", "cust-9");
    }

    @Test
    void eventsThatAreNotNotifiedMapToNothing() {
        assertThat(NotificationMapper.map(new BankAccountLinked("l-1", "cust-9", "bank-1", "acc-1", "GBP", null, T),
                "ev", 1)).isEmpty();
        assertThat(NotificationMapper.map("a string", "ev", 1)).isEmpty();
    }

    @Test
    void theBodyIsCompactJsonInAFixedOrderWithoutAbsentFieldsAndTimesInIso8601() {
        var revoked = new ConsentRevoked("c-1", "messenger", "cust-9", "bank-1", List.of("l-1"),
                RevocationReason.CUSTOMER_REQUEST, Initiator.CUSTOMER, T);
        Notification n = NotificationMapper.map(revoked, "ev-1", 42).orElseThrow().notification();

        String json = NotificationJson.write(n);

        assertThat(json).isEqualTo("{\"type\":\"consent.revoked\",\"eventId\":\"ev-1\",\"position\":42,"
                + "\"occurredAt\":\"2026-12-01T10:15:30.123Z\",\"consentId\":\"c-1\",\"linkIds\":[\"l-1\"],"
                + "\"status\":\"REVOKED\",\"reason\":\"CUSTOMER_REQUEST\",\"initiator\":\"CUSTOMER\"}");
        assertThat(NotificationJson.read(json)).isEqualTo(n);
    }
}
