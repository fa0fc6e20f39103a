package io.consentledger.command.customer;

import io.consentledger.contracts.consent.ConsentAuthorised;
import io.consentledger.contracts.consent.ConsentReauthorised;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.customer.CustomerErasureRequested;
import io.consentledger.contracts.link.BankAccountLinked;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import static io.consentledger.contracts.privacy.Classification.subjectId;

/** Builds the {@link CustomerDirectory} from the events; only non-personal fields are read. */
@Component
@ProcessingGroup(CustomerDirectoryProjection.PROCESSING_GROUP)
public class CustomerDirectoryProjection {

    /** Its processor; errors propagate, so a failed event is retried from the token. */
    public static final String PROCESSING_GROUP = "customer-directory";

    private final CustomerDirectory directory;

    public CustomerDirectoryProjection(CustomerDirectory directory) {
        this.directory = directory;
    }

    @EventHandler
    void on(BankAccountLinked event) {
        directory.link(subjectId(event.providerId(), event.customerId()), event.linkId());
    }

    @EventHandler
    void on(ConsentRequested event) {
        directory.consent(subjectId(event.providerId(), event.customerId()), event.consentId());
    }

    @EventHandler
    void on(ConsentAuthorised event) {
        directory.authorised(subjectId(event.providerId(), event.customerId()), event.authorisedAt());
    }

    @EventHandler
    void on(ConsentReauthorised event) {
        directory.authorised(subjectId(event.providerId(), event.customerId()), event.reauthorisedAt());
    }

    @EventHandler
    void on(CustomerErasureRequested event) {
        directory.erasureRequested(subjectId(event.providerId(), event.customerId()), event.eraseAt());
    }

    @EventHandler
    void on(CustomerDataErased event) {
        directory.erased(subjectId(event.providerId(), event.customerId()));
    }
}
