package io.consentledger.query.erasure;

import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.eventstore.privacy.CustomerKeys;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * On {@link CustomerDataErased}: drops the customer's key from this instance's cache, so that no processor decrypts
 * with it again. The read models scrub themselves, each in its own processor's order (the access log, the balances,
 * the compliance check: docs/erasure.md), so that the live read model and a replay's are the same.
 */
@Component
@ProcessingGroup(ErasureProjection.GROUP)
public class ErasureProjection {

    public static final String GROUP = "customer-erasure";
    /** What a detail that named erased values reads as. */
    public static final String ERASED_DETAIL = "(erased with the customer's personal data)";

    private final CustomerKeys keys;

    public ErasureProjection(CustomerKeys keys) {
        this.keys = keys;
    }

    @EventHandler
    void on(CustomerDataErased event) {
        keys.evict(Classification.subjectId(event.providerId(), event.customerId()));
    }
}
