package io.consentledger.query.balance;

import io.consentledger.contracts.share.FindLinkBalance;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.query.consent.ConsentProjection;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class BalanceController {

    private final QueryGateway queries;
    private final ConsentProjection consents;

    public BalanceController(QueryGateway queries, ConsentProjection consents) {
        this.queries = queries;
        this.consents = consents;
    }

    /**
     * An auditor reads every balance; a provider those of its own links; a recipient only while it holds an
     * AUTHORISED, unexpired consent granting BALANCES on the link. Anyone else gets the answer for an unknown link.
     */
    @GetMapping("/api/v1/links/{linkId}/balance")
    public BalanceView balance(@PathVariable String linkId) {
        QueryProblems.NotFound unknown = new QueryProblems.NotFound("No balance known for link " + linkId);
        if (!entitled(Callers.required(), linkId)) {
            throw unknown;
        }
        return queries.query(new FindLinkBalance(linkId), ResponseTypes.optionalInstanceOf(BalanceView.class))
                      .join()
                      .orElseThrow(() -> unknown);
    }

    private boolean entitled(Caller caller, String linkId) {
        return switch (caller.party()) {
            case AUDITOR -> true;
            case PROVIDER -> consents.consentsOnLink(linkId).stream().anyMatch(c -> caller.isProvider(c.providerId()));
            case RECIPIENT -> consents.consentsOnLink(linkId).stream().anyMatch(c -> caller.isRecipient(c.recipientId())
                    && c.status() == ConsentStatus.AUTHORISED && Scope.withImplied(c.scopes()).contains(Scope.BALANCES));
            case OPERATOR -> false;
        };
    }
}
