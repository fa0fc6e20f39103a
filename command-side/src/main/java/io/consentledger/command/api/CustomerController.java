package io.consentledger.command.api;

import io.consentledger.command.common.Forbidden;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.customer.CustomerErasure;
import io.consentledger.contracts.customer.RequestCustomerErasure;
import io.consentledger.security.Callers;
import io.consentledger.security.Party;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Issue 16: the customer's provider asks for the customer's personal data to be erased. */
@RestController
@RequestMapping(path = "/api/v1/customers", produces = MediaType.APPLICATION_JSON_VALUE)
public class CustomerController {

    private final CommandDispatcher commands;

    public CustomerController(CommandDispatcher commands) {
        this.commands = commands;
    }

    /**
     * 202 with the erasure's state: {@code PENDING} until {@code eraseAt} (3 years after the latest authorisation), or
     * {@code ERASED} when no retention applies or it has ended. Idempotent. A customer this provider never linked is 404, like an unknown link.
     */
    @Operation(summary = "Erase a customer's personal data (sent by the customer's provider)")
    @PostMapping("/{customerId}/erasure")
    public ResponseEntity<CustomerErasure> erase(@PathVariable String customerId) {
        if (!Callers.required().is(Party.PROVIDER)) {
            throw new Forbidden("Only the customer's provider asks for an erasure");
        }
        String providerId = Callers.required().partyId();
        RequestCustomerErasure command = Requests.build(() -> new RequestCustomerErasure(providerId, customerId));
        CustomerErasure erasure = commands.create(command, RefusalReason.CUSTOMER_UNKNOWN);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(erasure);
    }
}
