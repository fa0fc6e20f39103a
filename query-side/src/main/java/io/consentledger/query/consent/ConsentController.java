package io.consentledger.query.consent;

import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.query.asof.AsOf;
import io.consentledger.query.asof.PointInTime;
import io.consentledger.query.auditors.AuditorQueryFilter;
import io.consentledger.query.security.Visibility;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Callers;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/v1")
public class ConsentController {

    private final QueryGateway queries;
    private final PointInTime pointInTime;

    public ConsentController(QueryGateway queries, PointInTime pointInTime) {
        this.queries = queries;
        this.pointInTime = pointInTime;
    }

    /** With {@code asOf} or {@code asOfSize}: the consent as the log stood at that checkpoint, which it names. */
    @GetMapping("/consents/{consentId}")
    public ConsentView consent(@PathVariable String consentId, AsOf asOf) {
        LogCheckpoint checkpoint = pointInTime.resolve(asOf).orElse(null);
        // someone else's consent is answered exactly like an unknown one
        return PointInTime.join(queries.query(new FindConsent(consentId, checkpoint),
                                              ResponseTypes.optionalInstanceOf(ConsentView.class)))
                      .filter(Visibility::canSee)
                      .map(view -> Visibility.asSeenBy(Callers.required(), view))
                      .orElseThrow(() -> new QueryProblems.NotFound("No consent " + consentId));
    }

    /**
     * The customer's dashboard: who has access to their data, since when, for what, and until when. A provider sees
     * the customer's consents at itself, an auditor all. A recipient may not ask: it never knows a bank's customer
     * id. With {@code asOf} or {@code asOfSize}: as the log stood at that checkpoint, each consent naming it.
     */
    @GetMapping("/customers/{customerId}/consents")
    public List<ConsentView> customerConsents(@PathVariable String customerId, AsOf asOf) {
        LogCheckpoint checkpoint = pointInTime.resolve(asOf).orElse(null);
        List<ConsentView> visible = PointInTime.join(queries.query(new FindCustomerConsents(customerId, checkpoint),
                                                     ResponseTypes.multipleInstancesOf(ConsentView.class)))
                                           .stream().filter(Visibility::canSee)
                                           .map(view -> Visibility.asSeenBy(Callers.required(), view)).toList();
        AuditorQueryFilter.resultCount(visible.size());
        return visible;
    }
}
