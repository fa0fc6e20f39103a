package io.consentledger.command.unlink;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.util.List;

/** Which consents cover a link: {@code link_consents} holds {@code {_id: linkId, consentIds: [...]}}. */
public class LinkConsents {

    public static final String COLLECTION = "link_consents";

    private final MongoCollection<Document> links;

    public LinkConsents(MongoDatabase database) {
        this.links = database.getCollection(COLLECTION);
    }

    public void add(String linkId, String consentId) {
        links.updateOne(Filters.eq("_id", linkId), Updates.addToSet("consentIds", consentId), new UpdateOptions().upsert(true));
    }

    public List<String> consentsOf(String linkId) {
        Document document = links.find(Filters.eq("_id", linkId)).first();
        return document == null ? List.of() : document.getList("consentIds", String.class, List.of());
    }
}
