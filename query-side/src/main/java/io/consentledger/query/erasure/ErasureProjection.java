package io.consentledger.query.erasure;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.query.access.AccessLogProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static com.mongodb.client.model.Filters.eq;

/**
 * On {@link CustomerDataErased}: drops the customer's key from this instance's cache (so no processor decrypts with
 * it again), then scrubs the read models that hold the customer's personal values:
 * <ul>
 *     <li>access records keep who saw what, when, under which consent, scope, purpose and window; their
 *     transaction ids become null, with {@code erased: true};</li>
 *     <li>the balances of the customer's links lose their amounts and transactions, with {@code erased: true};</li>
 *     <li>compliance findings keep their rule, share and consent; their detail, which names transactions, is
 *     replaced.</li>
 * </ul>
 * A replay builds the same: the events then read as erased (null) and this handler runs again. Erasures are rare, so
 * finding the customer's access records by customer and provider (not by {@code _id}) is acceptable here.
 */
@Component
@ProcessingGroup(ErasureProjection.GROUP)
public class ErasureProjection {

    public static final String GROUP = "customer-erasure";
    static final String BALANCES = "link_balances";
    static final String VIOLATIONS = "compliance_violations";
    static final String ERASED_DETAIL = "(erased with the customer's personal data)";

    private final CustomerKeys keys;
    private final MongoCollection<Document> records;
    private final MongoCollection<Document> balances;
    private final MongoCollection<Document> violations;

    public ErasureProjection(CustomerKeys keys, MongoDatabase database) {
        this.keys = keys;
        this.records = database.getCollection(AccessLogProjection.RECORDS);
        this.balances = database.getCollection(BALANCES);
        this.violations = database.getCollection(VIOLATIONS);
    }

    @EventHandler
    void on(CustomerDataErased event) {
        keys.evict(Classification.subjectId(event.providerId(), event.customerId()));
        var ofCustomer = Filters.and(eq("customerId", event.customerId()), eq("providerId", event.providerId()));
        Set<String> linkIds = new LinkedHashSet<>();
        Set<String> consentIds = new LinkedHashSet<>();
        for (Document record : records.find(ofCustomer).projection(new Document("linkId", 1).append("consentId", 1))) {
            linkIds.add(record.getString("linkId"));
            consentIds.add(record.getString("consentId"));
        }
        records.updateMany(ofCustomer, Updates.combine(Updates.set("transactionIds", null),
                Updates.set("newTransactionIds", null), Updates.set("erased", true)));
        if (!consentIds.isEmpty()) {
            // a finding's detail names transactions: the rule, the share and the consent stay
            violations.updateMany(Filters.and(eq("customerId", event.customerId()), Filters.in("consentId", new ArrayList<>(consentIds))),
                    Updates.combine(Updates.set("detail", ERASED_DETAIL), Updates.set("erased", true)));
        }
        List<String> links = new ArrayList<>(linkIds);
        if (!links.isEmpty()) {
            balances.updateMany(Filters.in("_id", links), Updates.combine(Updates.set("base.amount", null),
                    Updates.set("transactions", List.of()), Updates.set("erased", true)));
        }
    }
}
