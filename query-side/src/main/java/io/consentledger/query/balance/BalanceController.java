package io.consentledger.query.balance;

import io.consentledger.contracts.share.BalanceView;
import io.consentledger.contracts.share.FindLinkBalance;
import io.consentledger.query.consent.ConsentViews;
import io.consentledger.query.security.Visibility;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Callers;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class BalanceController {

    private final QueryGateway queries;
    private final ConsentViews consents;

    public BalanceController(QueryGateway queries, ConsentViews consents) {
        this.queries = queries;
        this.consents = consents;
    }

    /** Who may read it is {@link Visibility#canSeeBalance}'s rule; anyone else gets the answer for an unknown link. */
    @GetMapping("/api/v1/links/{linkId}/balance")
    public BalanceView balance(@PathVariable String linkId) {
        QueryProblems.NotFound unknown = new QueryProblems.NotFound("No balance known for link " + linkId);
        if (!Visibility.canSeeBalance(Callers.required(), consents.onLink(linkId))) {
            throw unknown;
        }
        return queries.query(new FindLinkBalance(linkId), ResponseTypes.optionalInstanceOf(BalanceView.class))
                      .join()
                      .orElseThrow(() -> unknown);
    }
}
