package io.consentledger.command.api;

import io.consentledger.command.api.ApiBodies.LinkAccount;
import io.consentledger.command.api.ApiBodies.Unlink;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.link.LinkBankAccount;
import io.consentledger.contracts.link.LinkState;
import io.consentledger.contracts.link.LinkStatus;
import io.consentledger.contracts.link.UnlinkBankAccount;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.UUID;

/** Banks link and unlink their customers' accounts. */
@RestController
@RequestMapping(path = "/api/v1/links", produces = MediaType.APPLICATION_JSON_VALUE)
public class LinkController {

    private final CommandDispatcher commands;
    private final IdNamespaces namespaces;

    public LinkController(CommandDispatcher commands, IdNamespaces namespaces) {
        this.commands = commands;
        this.namespaces = namespaces;
    }

    @Operation(summary = "Link a customer's bank account (sent by the provider)")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<LinkState> link(@RequestBody LinkAccount body) {
        String linkId = body.linkId() != null ? body.linkId() : UUID.randomUUID().toString();
        String providerId = Parties.ownProviderId(body.providerId());
        LinkBankAccount command = Requests.build(() -> new LinkBankAccount(linkId, body.customerId(), providerId,
                body.accountId(), body.currency(), ApiBodies.Evidence.of(body.evidence())));
        if (body.linkId() != null) {
            namespaces.check(linkId, providerId, "linkId");
        }
        commands.create(command);
        return ResponseEntity.created(URI.create("/api/v1/links/" + linkId)).body(new LinkState(linkId, LinkStatus.LINKED));
    }

    /** The body is optional; the initiator defaults to PROVIDER (or CUSTOMER, when the provider acts on their request). */
    @Operation(summary = "Unlink an account; every consent on it is then revoked (SYSTEM, ACCOUNT_UNLINKED)")
    @PostMapping("/{linkId}/unlink")
    public LinkState unlink(@PathVariable String linkId, @RequestBody(required = false) Unlink body) {
        Initiator initiator = body == null || body.initiator() == null ? Initiator.PROVIDER : body.initiator();
        UnlinkBankAccount command = Requests.build(() -> new UnlinkBankAccount(Checks.id(linkId, "linkId"), initiator));
        Parties.requireInitiatorOfCaller(initiator);
        LinkStatus status = commands.update(command, RefusalReason.LINK_UNKNOWN);
        return new LinkState(linkId, status);
    }
}
