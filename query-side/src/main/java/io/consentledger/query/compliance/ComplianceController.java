package io.consentledger.query.compliance;

import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.audit.ComplianceReport;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Was any data shared outside a consent? Answered from the events; each violation is listed. */
@RestController
public class ComplianceController {

    private final QueryGateway queries;

    public ComplianceController(QueryGateway queries) {
        this.queries = queries;
    }

    @GetMapping("/api/v1/audit/compliance")
    public ComplianceReport compliance(@RequestParam(required = false) String consentId) {
        return queries.query(new CheckCompliance(consentId), ResponseTypes.instanceOf(ComplianceReport.class)).join();
    }
}
