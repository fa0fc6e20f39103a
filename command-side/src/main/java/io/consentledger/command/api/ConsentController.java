package io.consentledger.command.api;

import io.consentledger.command.api.ApiBodies.Authorise;
import io.consentledger.command.api.ApiBodies.Reauthorise;
import io.consentledger.command.api.ApiBodies.Reject;
import io.consentledger.command.api.ApiBodies.RequestConsentBody;
import io.consentledger.command.api.ApiBodies.Revoke;
import io.consentledger.command.api.ApiBodies.ShareBalanceBody;
import io.consentledger.command.api.ApiBodies.ShareTransactionsBody;
import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.consent.AuthoriseConsent;
import io.consentledger.contracts.consent.ConsentState;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RejectConsent;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.command.api.idempotency.IdempotencyFilter;
import io.consentledger.contracts.share.BalanceShareRecorded;
import io.consentledger.contracts.share.RepeatedShare;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.SharedTransaction;
import io.consentledger.contracts.share.TransactionsShareRecorded;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static io.consentledger.command.api.Requests.required;

/**
 * Consents and the shares made under them. Who may call which endpoint is in {@code CommandApiSecurity}; whether
 * the caller owns the consent is checked by the aggregate, from the party in the command's metadata.
 */
@RestController
@RequestMapping(path = "/api/v1/consents", produces = MediaType.APPLICATION_JSON_VALUE, consumes = MediaType.APPLICATION_JSON_VALUE)
public class ConsentController {

    private static final RefusalReason UNKNOWN = RefusalReason.CONSENT_UNKNOWN;

    private final CommandDispatcher commands;
    private final IdNamespaces namespaces;

    public ConsentController(CommandDispatcher commands, IdNamespaces namespaces) {
        this.commands = commands;
        this.namespaces = namespaces;
    }

    @Operation(summary = "Request a consent (sent by the recipient)")
    @PostMapping
    public ResponseEntity<ConsentState> request(@RequestBody RequestConsentBody body) {
        String consentId = body.consentId() != null ? body.consentId() : UUID.randomUUID().toString();
        String recipientId = Parties.ownRecipientId(body.recipientId());
        RequestConsent command = Requests.build(() -> new RequestConsent(consentId, recipientId, body.linkIds(),
                body.scopes(), body.purposes(), body.expiresAt(),
                required(body.window(), "window").toWindow(), required(body.frequency(), "frequency").toFrequency()));
        if (body.consentId() != null) {
            namespaces.check(consentId, recipientId, "consentId");
        }
        commands.create(command);
        return ResponseEntity.created(URI.create("/api/v1/consents/" + consentId))
                             .body(new ConsentState(consentId, ConsentStatus.AWAITING_AUTHORISATION));
    }

    @Operation(summary = "Record the customer's authorisation (sent by the provider), with its evidence")
    @PostMapping("/{consentId}/authorise")
    public ConsentState authorise(@PathVariable String consentId, @RequestBody Authorise body) {
        AuthoriseConsent command = Requests.build(() -> new AuthoriseConsent(id(consentId), ApiBodies.Evidence.of(body.evidence())));
        return new ConsentState(consentId, commands.update(command, UNKNOWN));
    }

    @Operation(summary = "Reject a consent awaiting authorisation (customer or provider)")
    @PostMapping("/{consentId}/reject")
    public ConsentState reject(@PathVariable String consentId, @RequestBody Reject body) {
        RejectConsent command = Requests.build(() -> new RejectConsent(id(consentId), body.initiator()));
        Parties.requireInitiatorOfCaller(command.initiator());
        return new ConsentState(consentId, commands.update(command, UNKNOWN));
    }

    @Operation(summary = "Revoke a consent, with reason and initiator")
    @PostMapping("/{consentId}/revoke")
    public ConsentState revoke(@PathVariable String consentId, @RequestBody Revoke body) {
        RevokeConsent command = Requests.build(() -> new RevokeConsent(id(consentId), body.reason(), body.initiator()));
        Parties.requireInitiatorOfCaller(command.initiator());
        return new ConsentState(consentId, commands.update(command, UNKNOWN));
    }

    @Operation(summary = "Reauthorise an authorised consent with a new expiry (at most 365 days ahead)")
    @PostMapping("/{consentId}/reauthorise")
    public ConsentState reauthorise(@PathVariable String consentId, @RequestBody Reauthorise body) {
        ReauthoriseConsent command = Requests.build(() -> new ReauthoriseConsent(id(consentId), body.expiresAt(),
                ApiBodies.Evidence.of(body.evidence())));
        return new ConsentState(consentId, commands.update(command, UNKNOWN));
    }

    @Operation(summary = "Share a link's balance under the consent (sent by the provider)")
    @PostMapping("/{consentId}/shares/balance")
    public ResponseEntity<BalanceShareRecorded> shareBalance(@PathVariable String consentId, @RequestBody ShareBalanceBody body) {
        String shareId = body.shareId() != null ? body.shareId() : UUID.randomUUID().toString();
        ShareBalance command = Requests.build(() -> new ShareBalance(id(consentId), shareId, body.linkId(), body.amount(),
                body.currency(), body.asOf(), body.purpose()));
        Object answer = commands.update(command, UNKNOWN);
        return shareAnswer(answer).body(new BalanceShareRecorded(shareId, consentId, command.linkId()));
    }

    @Operation(summary = "Share a link's transactions under the consent (sent by the provider); refused whole if any breaks a rule")
    @PostMapping("/{consentId}/shares/transactions")
    public ResponseEntity<TransactionsShareRecorded> shareTransactions(@PathVariable String consentId,
                                                                       @RequestBody ShareTransactionsBody body) {
        String shareId = body.shareId() != null ? body.shareId() : UUID.randomUUID().toString();
        ShareTransactions command = Requests.build(() -> new ShareTransactions(id(consentId), shareId, body.linkId(),
                required(body.transactions(), "transactions").stream()
                        .map(t -> required(t, "transactions[]").toTransaction()).toList(),
                body.purpose()));
        Object answer = commands.update(command, UNKNOWN);
        @SuppressWarnings("unchecked")
        List<String> fresh = (List<String>) (answer instanceof RepeatedShare repeated ? repeated.firstAnswer() : answer);
        return shareAnswer(answer).body(new TransactionsShareRecorded(shareId, consentId, command.linkId(),
                command.transactions().stream().map(SharedTransaction::transactionId).toList(), fresh));
    }

    /**
     * 201, marked as a replay when the consent answered from its record of the same share (a retry whose key's
     * outcome was lost, or the same {@code shareId} sent again under another key or none).
     */
    private static ResponseEntity.BodyBuilder shareAnswer(Object answer) {
        ResponseEntity.BodyBuilder created = ResponseEntity.status(201);
        return answer instanceof RepeatedShare ? created.header(IdempotencyFilter.REPLAYED_HEADER, "true") : created;
    }

    private static String id(String consentId) {
        return Checks.id(consentId, "consentId");
    }
}
