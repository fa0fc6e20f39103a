package io.consentledger.query.balance;

import io.consentledger.contracts.share.FindLinkBalance;
import io.consentledger.query.web.QueryProblems;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class BalanceController {

    private final QueryGateway queries;

    public BalanceController(QueryGateway queries) {
        this.queries = queries;
    }

    @GetMapping("/api/v1/links/{linkId}/balance")
    public BalanceView balance(@PathVariable String linkId) {
        return queries.query(new FindLinkBalance(linkId), ResponseTypes.optionalInstanceOf(BalanceView.class))
                      .join()
                      .orElseThrow(() -> new QueryProblems.NotFound("No balance known for link " + linkId));
    }
}
