package io.consentledger.query.audit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Sorts;
import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.FindRecipientsOfCustomer;
import io.consentledger.query.Docs;
import io.consentledger.query.access.AccessLogProjection;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

import static io.consentledger.query.access.AccessLogQueries.toQuery;

/** Answers auditors' questions from the access history. */
@Component
public class AuditorQuestions {

    private final MongoCollection<Document> records;

    public AuditorQuestions(MongoDatabase database) {
        this.records = database.getCollection(AccessLogProjection.RECORDS);
    }

    /** Which recipients saw data of customer X between t1 and t2, and for which purposes? */
    @QueryHandler
    public List<RecipientAccess> handle(FindRecipientsOfCustomer query) {
        AccessFilter filter = new AccessFilter(query.customerId(), null, null, null, null, null, null,
                                               query.from(), query.to());
        List<RecipientAccess> answer = new ArrayList<>();
        records.aggregate(List.of(
                Aggregates.match(toQuery(filter)),
                Aggregates.group("$recipientId",
                                 Accumulators.addToSet("purposes", "$purpose"),
                                 Accumulators.addToSet("scopes", "$scope"),
                                 Accumulators.addToSet("consentIds", "$consentId"),
                                 Accumulators.sum("shares", 1),
                                 Accumulators.min("first", "$sharedAt"),
                                 Accumulators.max("last", "$sharedAt")),
                Aggregates.sort(Sorts.ascending("_id"))
        )).forEach(d -> answer.add(new RecipientAccess(
                d.getString("_id"), sorted(Docs.strings(d, "purposes")), sorted(Docs.strings(d, "scopes")),
                sorted(Docs.strings(d, "consentIds")), d.get("shares", Number.class).longValue(),
                Docs.instant(d, "first"), Docs.instant(d, "last"))));
        return answer;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }
}
