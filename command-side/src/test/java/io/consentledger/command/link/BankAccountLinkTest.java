package io.consentledger.command.link;

import io.consentledger.command.common.ClockSkew;
import io.consentledger.command.common.InvalidCommand;
import java.time.Duration;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.command.testing.ActingAs;
import io.consentledger.command.testing.MutableClock;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.link.LinkBankAccount;
import io.consentledger.contracts.link.LinkStatus;
import io.consentledger.contracts.link.UnlinkBankAccount;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.consentledger.command.testing.Refusals.refusal;

class BankAccountLinkTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final AuthorisationEvidence EVIDENCE = new AuthorisationEvidence("MOBILE_APP", NOW.minusSeconds(60), "tc-2026-01");

    private AggregateTestFixture<BankAccountLink> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(BankAccountLink.class);
        fixture.registerInjectableResource(new MutableClock(NOW));
        fixture.registerInjectableResource(new ClockSkew(Duration.ofMinutes(5)));
        fixture.registerCommandDispatchInterceptor(ActingAs.naturalOwner("bank-1"));
    }

    private static BankAccountLinked linked() {
        return new BankAccountLinked("link-1", "cust-1", "bank-1", "acc-1", "EUR", EVIDENCE, NOW);
    }

    @Test
    void linkingRecordsTheLinkWithItsEvidence() {
        fixture.givenNoPriorActivity()
               .when(new LinkBankAccount("link-1", "cust-1", "bank-1", "acc-1", "EUR", EVIDENCE))
               .expectSuccessfulHandlerExecution()
               .expectEvents(linked());
    }

    /** Issue 14, finding 6: evidence of an authorisation later than the ledger's clock plus the allowance. */
    @Test
    void evidenceFromTheFutureIsInvalid() {
        AuthorisationEvidence skewed = new AuthorisationEvidence("MOBILE_APP", NOW.plus(Duration.ofMinutes(5)), "tc-1");
        fixture.givenNoPriorActivity()
               .when(new LinkBankAccount("link-1", "cust-1", "bank-1", "acc-1", "EUR", skewed))
               .expectSuccessfulHandlerExecution();
        AuthorisationEvidence future = new AuthorisationEvidence("MOBILE_APP", NOW.plus(Duration.ofMinutes(5)).plusNanos(1), "tc-1");
        fixture.givenNoPriorActivity()
               .when(new LinkBankAccount("link-1", "cust-1", "bank-1", "acc-1", "EUR", future))
               .expectNoEvents()
               .expectException(InvalidCommand.class)
               .expectExceptionMessage(org.hamcrest.Matchers.containsString("evidence.authorisedAt"));
    }

    @Test
    void unlinkingALinkedAccount() {
        fixture.given(linked())
               .when(new UnlinkBankAccount("link-1", Initiator.CUSTOMER))
               .expectResultMessagePayload(LinkStatus.UNLINKED)
               .expectEvents(new BankAccountUnlinked("link-1", "cust-1", "bank-1", Initiator.CUSTOMER, NOW));
    }

    @Test
    void unlinkedIsTerminal() {
        fixture.given(linked(), new BankAccountUnlinked("link-1", "cust-1", "bank-1", Initiator.PROVIDER, NOW))
               .when(new UnlinkBankAccount("link-1", Initiator.CUSTOMER))
               .expectNoEvents()
               .expectException(LedgerRefusal.class)
               .expectException(refusal(RefusalReason.LINK_UNLINKED));
    }

    @Test
    void aProviderLinksOnlyItsOwnAccounts() {
        fixture.givenNoPriorActivity()
               .when(new LinkBankAccount("link-1", "cust-1", "bank-1", "acc-1", "EUR", EVIDENCE),
                     java.util.Map.of("party", "PROVIDER:bank-2"))
               .expectNoEvents()
               .expectException(io.consentledger.command.common.Forbidden.class);
        fixture.givenNoPriorActivity()
               .when(new LinkBankAccount("link-1", "cust-1", "bank-1", "acc-1", "EUR", EVIDENCE),
                     java.util.Map.of("principal", "no-party"))
               .expectNoEvents()
               .expectException(io.consentledger.command.common.Forbidden.class);
    }

    @Test
    void anotherProvidersLinkIsAnsweredAsUnknown() {
        for (String party : new String[]{"PROVIDER:bank-2", "RECIPIENT:messenger", "AUDITOR", ""}) {
            fixture.given(linked())
                   .when(new UnlinkBankAccount("link-1", Initiator.PROVIDER), java.util.Map.of("party", party))
                   .expectNoEvents()
                   .expectException(refusal(RefusalReason.LINK_UNKNOWN))
                   .expectExceptionMessage("No such id");
        }
    }
}
