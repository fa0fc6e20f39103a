package io.consentledger.command.customer;

import io.consentledger.command.common.Acting;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.customer.CustomerErasure;
import io.consentledger.contracts.customer.CustomerErasureRequested;
import io.consentledger.contracts.customer.EraseCustomerData;
import io.consentledger.contracts.customer.RequestCustomerErasure;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.contracts.privacy.Classification;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Instant;

import static io.consentledger.contracts.common.RefusalReason.CUSTOMER_UNKNOWN;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A customer of one provider as a data subject; its id is {@code providerId/customerId}. It holds only the erasure:
 * requested (with the retention's end) and done. Its events carry no personal data.
 */
@Aggregate
public class Customer {

    @AggregateIdentifier
    private String subjectId;
    private String providerId;
    private String customerId;
    private Instant eraseAt;
    private boolean erased;

    protected Customer() {
    }

    /**
     * Idempotent: a second request answers the first one's state. A customer this provider never linked is unknown,
     * and so is a customer of another provider (the id names this provider's customer only).
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public CustomerErasure handle(RequestCustomerErasure command, Clock clock, CustomerDirectory directory,
                                  DataShredder shredder, @MetaDataValue(Attribution.PARTY) String party) {
        Acting acting = Acting.of(party);
        if (!acting.system() && !acting.provider(command.providerId())) {
            throw LedgerRefusal.of(CUSTOMER_UNKNOWN, Acting.NO_SUCH_ID);
        }
        if (subjectId != null) {
            return state();
        }
        CustomerDirectory.Entry entry = directory.find(command.subjectId())
                                                 .orElseThrow(() -> LedgerRefusal.of(CUSTOMER_UNKNOWN, Acting.NO_SUCH_ID));
        Instant now = clock.instant();
        Instant due = Retention.eraseAt(entry.latestAuthorisationAt(), now);
        apply(new CustomerErasureRequested(command.providerId(), command.customerId(), entry.latestAuthorisationAt(), due, now));
        if (!due.isAfter(now)) {
            // no retention applies: erased at once
            shredder.shred(command.subjectId());
            apply(new CustomerDataErased(command.providerId(), command.customerId(), now));
        }
        return state();
    }

    /**
     * Sent by the erasure sweep. Idempotent; the retention is checked again against the directory, so an
     * authorisation recorded after the request postpones the erasure.
     *
     * @return whether this command erased the customer's data
     */
    @CommandHandler
    public boolean handle(EraseCustomerData command, Clock clock, CustomerDirectory directory, DataShredder shredder) {
        Instant now = clock.instant();
        if (subjectId == null || erased || now.isBefore(eraseAt)) {
            return false;
        }
        Instant latest = directory.find(subjectId).map(CustomerDirectory.Entry::latestAuthorisationAt).orElse(null);
        if (now.isBefore(Retention.eraseAt(latest, now))) {
            return false;
        }
        shredder.shred(subjectId);
        apply(new CustomerDataErased(providerId, customerId, now));
        return true;
    }

    private CustomerErasure state() {
        return new CustomerErasure(customerId, erased ? CustomerErasure.Status.ERASED : CustomerErasure.Status.PENDING, eraseAt);
    }

    @EventSourcingHandler
    void on(CustomerErasureRequested event) {
        subjectId = Classification.subjectId(event.providerId(), event.customerId());
        providerId = event.providerId();
        customerId = event.customerId();
        eraseAt = event.eraseAt();
    }

    @EventSourcingHandler
    void on(CustomerDataErased event) {
        erased = true;
    }
}
