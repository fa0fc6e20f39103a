package io.consentledger.command.link;

import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.command.common.Acting;
import io.consentledger.command.common.ClockSkew;
import io.consentledger.command.common.Forbidden;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.command.consent.LinkView;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.link.BankAccountUnlinked;
import io.consentledger.contracts.link.LinkBankAccount;
import io.consentledger.contracts.link.LinkStatus;
import io.consentledger.contracts.link.UnlinkBankAccount;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A customer's account at a provider, linked on the customer's authorisation. UNLINKED is terminal. */
@Aggregate(repository = "bankAccountLinkRepository")
public class BankAccountLink {

    @AggregateIdentifier
    private String linkId;
    /** Its snapshots are encrypted whole under this customer's key (issue 16). */
    @DataSubject
    private String customerId;
    private String providerId;
    private String accountId;
    private String currency;
    private LinkStatus status;

    protected BankAccountLink() {
    }

    @CommandHandler
    public BankAccountLink(LinkBankAccount command, Clock clock, ClockSkew skew, @MetaDataValue(Attribution.PARTY) String party) {
        Acting acting = Acting.of(party);
        if (!acting.system() && !acting.provider(command.providerId())) {
            throw new Forbidden("A provider may link accounts it holds only");
        }
        skew.requireNotFuture(command.evidence().authorisedAt(), clock.instant(), "evidence.authorisedAt");
        apply(new BankAccountLinked(command.linkId(), command.customerId(), command.providerId(), command.accountId(),
                command.currency(), command.evidence(), clock.instant()));
    }

    @CommandHandler
    public LinkStatus handle(UnlinkBankAccount command, Clock clock, @MetaDataValue(Attribution.PARTY) String party) {
        if (linkId == null) {
            throw LedgerRefusal.of(RefusalReason.LINK_UNKNOWN, Acting.NO_SUCH_ID);
        }
        Acting acting = Acting.of(party);
        acting.requireProvider(providerId, RefusalReason.LINK_UNKNOWN);
        acting.requireProviderInitiator(command.initiator());
        if (status == LinkStatus.UNLINKED) {
            throw LedgerRefusal.of(RefusalReason.LINK_UNLINKED, "Link " + linkId + " is already unlinked");
        }
        apply(new BankAccountUnlinked(linkId, customerId, providerId, command.initiator(), clock.instant()));
        return LinkStatus.UNLINKED;
    }

    @EventSourcingHandler
    void on(BankAccountLinked event) {
        linkId = event.linkId();
        customerId = event.customerId();
        providerId = event.providerId();
        accountId = event.accountId();
        currency = event.currency();
        status = LinkStatus.LINKED;
    }

    @EventSourcingHandler
    void on(BankAccountUnlinked event) {
        status = LinkStatus.UNLINKED;
    }

    /** Null when the stream holds no link (for example, the id belongs to a consent). */
    LinkView view() {
        return linkId == null ? null : new LinkView(linkId, customerId, providerId, accountId, currency, status);
    }
}
