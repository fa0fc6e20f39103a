package io.consentledger.query.balance;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.consentledger.contracts.customer.CustomerDataErased;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.BalanceView;
import io.consentledger.contracts.share.FindLinkBalance;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.query.erasure.ErasedValues;
import io.consentledger.query.projection.BatchDocuments;
import io.consentledger.query.projection.BatchedWrites;
import io.consentledger.query.projection.Docs;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.mongodb.client.model.Filters.eq;

/**
 * Balances per link. Shares of one link can come from several consents, so this processor sequences events by the
 * link's customer ({@code linkSequencingPolicy}), not by aggregate: every share of a link, and the customer's
 * {@link CustomerDataErased}, are handled in order. A balance is one document by {@code _id}, read once and replaced
 * once per processor batch ({@link BatchedWrites}). Transactions are keyed by id, a balance share is recognised by
 * its event id, and an older balance never replaces a newer one, so a second delivery, of an event or of a batch
 * whose balances were written already, changes nothing. An amount no money can have is stored as missing and shown
 * as out of range, never computed with ({@link Amounts}).
 */
@Component
@ProcessingGroup(BalanceProjection.GROUP)
public class BalanceProjection {

    public static final String GROUP = "balances";
    static final String COLLECTION = "link_balances";
    static final String PROVIDER = "providerId";
    static final String CUSTOMER = "customerId";
    static final String ERASED = "erased";
    private static final Logger logger = LoggerFactory.getLogger(BalanceProjection.class);

    private final MongoCollection<Document> balances;
    private final BatchedWrites<Batch> batches = new BatchedWrites<>(GROUP, fromProcessor -> new Batch(), Batch::write);

    public BalanceProjection(MongoDatabase database) {
        this.balances = database.getCollection(COLLECTION);
    }

    @EventHandler
    void on(BalanceShared event, @MessageIdentifier String eventId) {
        batches.apply(batch -> batch.update(event.linkId(), event.providerId(), event.customerId(),
                                            held -> withBalance(held, event, eventId)));
    }

    @EventHandler
    void on(TransactionsShared event, @MessageIdentifier String eventId) {
        batches.apply(batch -> batch.update(event.linkId(), event.providerId(), event.customerId(),
                                            held -> withTransactions(held, event, eventId)));
    }

    /**
     * The customer's personal data is erased: after this batch's writes, the balances of the customer's links lose
     * their amounts and transactions and read as erased. In order with the links' shares (the sequencing policy), so
     * a share read in the clear just before the key was destroyed cannot be written after the scrub.
     */
    @EventHandler
    void on(CustomerDataErased event) {
        batches.apply(batch -> batch.erasures.add(event));
    }

    /**
     * A link's balance as stored: the latest shared balance, the transactions shared after its {@code asOf}, and
     * whether its customer's personal data is erased.
     */
    private record Held(Document base, Map<String, Document> pending, boolean erased) {

        static Held of(Document stored) {
            Map<String, Document> pending = new LinkedHashMap<>();
            if (stored == null) {
                return new Held(null, pending, false);
            }
            stored.getList("transactions", Document.class, List.of())
                  .forEach(t -> pending.put(t.getString("transactionId"), t));
            return new Held(stored.get("base", Document.class), pending, stored.getBoolean(ERASED, false));
        }

        /** As erased: no amount, no transactions; the balance share it derives from stays named. */
        Held scrubbed() {
            Document scrubbedBase = base == null ? null : new Document(base).append("amount", null);
            return new Held(scrubbedBase, new LinkedHashMap<>(), true);
        }
    }

    /** The new balance, with the transactions booked after it; null for the same share again or an older balance. */
    private static Held withBalance(Held held, BalanceShared event, String eventId) {
        Document base = held.base();
        if (base != null && (eventId.equals(base.getString("eventId"))
                || Docs.instant(base, "asOf").isAfter(event.asOf()))) {
            return null; // the same share again, or an older balance than the one we hold
        }
        held.pending().values().removeIf(t -> !Docs.instant(t, "bookedAt").isAfter(event.asOf()));
        Document newBase = new Document("eventId", eventId).append("shareId", event.shareId())
                                                           .append("amount", Amounts.stored(event.amount()).orElse(null))
                                                           .append("currency", event.currency())
                                                           .append("asOf", Docs.date(event.asOf()));
        Held changed = new Held(newBase, held.pending(), held.erased());
        return ErasedValues.of(event) ? changed.scrubbed() : changed;
    }

    /** The balance with the transactions it does not include yet, each once; null when none is new. */
    private static Held withTransactions(Held held, TransactionsShared event, String eventId) {
        if (ErasedValues.of(event)) {
            return held.erased() ? null : held.scrubbed(); // what erasure leaves of the balance, as the live scrub
        }
        Document base = held.base();
        Instant asOf = base == null ? null : Docs.instant(base, "asOf");
        boolean changed = false;
        for (TransactionFacts transaction : event.transactions()) {
            if (asOf != null && !transaction.bookedAt().isAfter(asOf)) {
                continue; // already part of the shared balance
            }
            if (base != null && !transaction.currency().equals(base.getString("currency"))) {
                logger.warn("Transaction {} of link {} is in {}, not the balance's {}; not counted",
                            transaction.transactionId(), event.linkId(), transaction.currency(), base.getString("currency"));
                continue;
            }
            if (!held.pending().containsKey(transaction.transactionId())) {
                held.pending().put(transaction.transactionId(),
                                   new Document("transactionId", transaction.transactionId())
                                           .append("amount", Amounts.stored(transaction.amount()).orElse(null))
                                           .append("currency", transaction.currency())
                                           .append("bookedAt", Docs.date(transaction.bookedAt()))
                                           .append("eventId", eventId)
                                           .append("shareId", event.shareId()));
                changed = true;
            }
        }
        return changed ? held : null;
    }

    /** Registered on the {@value #GROUP} processor: a link's balance is read and written once per batch. */
    public BatchedWrites<?> batchedWrites() {
        return batches;
    }

    @ResetHandler
    void reset() {
        balances.deleteMany(new Document());
    }

    @QueryHandler
    public Optional<BalanceView> handle(FindLinkBalance query) {
        Document document = balances.find(eq("_id", query.linkId())).first();
        if (document == null) {
            return Optional.empty();
        }
        Held held = Held.of(document);
        if (held.erased()) {
            Document base = held.base();
            List<BalanceView.Source> sources = base == null ? List.of()
                    : List.of(new BalanceView.Source(base.getString("eventId"), "BalanceShared", base.getString("shareId")));
            return Optional.of(new BalanceView(query.linkId(), null, base == null ? null : base.getString("currency"),
                                               base == null ? null : Docs.instant(base, "asOf"), null, 0, sources,
                                               false, true));
        }
        Document base = held.base();
        Map<String, Document> pending = held.pending();
        // an amount out of range (or missing) is never added: the figure is then unknown, and said so
        boolean outOfRange = false;
        BigDecimal amount = null;
        if (base != null) {
            Optional<BigDecimal> balance = Amounts.read(base.getString("amount"));
            outOfRange = balance.isEmpty();
            amount = balance.orElse(null);
        }
        List<BalanceView.Source> sources = new ArrayList<>();
        if (base != null) {
            sources.add(new BalanceView.Source(base.getString("eventId"), "BalanceShared", base.getString("shareId")));
        }
        Instant latestBooked = null;
        Map<String, String> transactionEvents = new LinkedHashMap<>();
        for (Document transaction : pending.values()) {
            Optional<BigDecimal> change = Amounts.read(transaction.getString("amount"));
            outOfRange |= change.isEmpty();
            if (amount != null && change.isPresent()) {
                amount = amount.add(change.get());
            }
            Instant booked = Docs.instant(transaction, "bookedAt");
            latestBooked = latestBooked == null || booked.isAfter(latestBooked) ? booked : latestBooked;
            transactionEvents.putIfAbsent(transaction.getString("eventId"), transaction.getString("shareId"));
        }
        transactionEvents.forEach((eventId, shareId) -> sources.add(
                new BalanceView.Source(eventId, "TransactionsShared", shareId)));
        String currency = base != null ? base.getString("currency")
                : pending.values().stream().map(t -> t.getString("currency")).findFirst().orElse(null);
        return Optional.of(new BalanceView(query.linkId(), outOfRange ? null : amount, currency,
                                           base == null ? null : Docs.instant(base, "asOf"), latestBooked,
                                           pending.size(), sources, outOfRange, false));
    }

    /** The balances one batch of events reads and changes; each is read once and written once per batch. */
    private final class Batch {

        private final BatchDocuments balances = new BatchDocuments(BalanceProjection.this.balances);
        private final List<CustomerDataErased> erasures = new ArrayList<>();

        /** Applies {@code change} to the link's balance; it returns null when nothing changed. */
        void update(String linkId, String providerId, String customerId, UnaryOperator<Held> change) {
            Held changed = change.apply(Held.of(balances.get(linkId)));
            if (changed != null) {
                balances.put(linkId, document(linkId, providerId, customerId, changed));
            }
        }

        /** The batch's balances, then the erasures' scrubs (rare: the customer's links are found by customer). */
        void write() {
            balances.write();
            for (CustomerDataErased erased : erasures) {
                List<Document> scrubbed = new ArrayList<>();
                BalanceProjection.this.balances
                        .find(Filters.and(eq(CUSTOMER, erased.customerId()), eq(PROVIDER, erased.providerId())))
                        .forEach(stored -> scrubbed.add(document(stored.getString("_id"), erased.providerId(),
                                                                 erased.customerId(), Held.of(stored).scrubbed())));
                Docs.replaceAll(BalanceProjection.this.balances, scrubbed);
            }
        }
    }

    /** The stored balance; the link's customer names it for an erasure. */
    private static Document document(String linkId, String providerId, String customerId, Held held) {
        // an array, not a map: transaction ids are client data and may hold '.' or '$'
        Document document = new Document("_id", linkId).append(PROVIDER, providerId).append(CUSTOMER, customerId)
                                                        .append("base", held.base())
                                                        .append("transactions", new ArrayList<>(held.pending().values()));
        if (held.erased()) {
            document.append(ERASED, true);
        }
        return document;
    }
}
