package io.consentledger.query.projection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import io.consentledger.contracts.audit.CheckCompliance;
import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.LedgerScript;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.balance.BalanceProjection;
import io.consentledger.query.compliance.ComplianceMonitor;
import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.audit.Violation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.bson.Document;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.consentledger.query.LedgerScript.tx;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log, the compliance check and the balances write once per processor batch ({@link BatchedWrites}). Whatever the
 * batches, they must store exactly what delivering one event at a time stores; every write of a batch must be in
 * the store before the processor stores its token; and a batch whose writes failed must, delivered again, store
 * exactly that too.
 * <p>
 * Batches run here as Axon's event processors run them: a {@link BatchingUnitOfWork} over the batch, with the
 * token stored in a prepare-commit step registered before the handlers run (as {@code WorkPackage} does), and each
 * event passed through the processor's interceptors to the handler.
 */
class BatchedProjectionsTest {

    private static final List<String> ACCESS_LOG = List.of(AccessLogProjection.RECORDS);
    private static final List<String> COMPLIANCE = List.of(
            "compliance_consents", "compliance_links", "compliance_checked", "compliance_violations",
            "compliance_status");
    private static final List<String> BALANCES = List.of("link_balances");
    private static final List<String> COLLECTIONS = Stream.of(ACCESS_LOG, COMPLIANCE, BALANCES)
                                                          .flatMap(List::stream).toList();

    private static TestStores stores;
    private static MongoClient client;
    private static final List<String> DATABASES = new ArrayList<>();
    private static final List<TrackedEventMessage<?>> LOG = new ArrayList<>();
    private static Map<String, List<Document>> oneAtATime;
    /** The event log LOG was appended to, one commit per event: the event at LOG index i is at position i + 1. */
    private static EventLog eventLog;
    private static final AtomicInteger databases = new AtomicInteger();

    @BeforeContainer
    static void start() {
        stores = TestStores.open(); // the embedded server, or the MongoDB named by CONSENT_LEDGER_TEST_MONGODB_URI
        client = stores.client();
        MongoDatabase events = database(stores.databaseName() + "-events");
        GapAwareMongoEventStorageEngine engine = engine(events);
        eventLog = new EventLog(events);
        scenario(new LedgerScript(message -> {
            engine.appendEvents(message);
            LOG.add(new GenericTrackedDomainEventMessage<>(new GlobalSequenceTrackingToken(LOG.size() + 1), message));
        }));
        Projections reference = new Projections();
        LOG.forEach(reference::deliverAlone);
        oneAtATime = reference.dump();
        // The scenario writes to every collection, so no comparison below is trivially true.
        assertThat(oneAtATime).allSatisfy((name, documents) -> assertThat(documents).as(name).isNotEmpty());
    }

    @AfterContainer
    static void stop() {
        DATABASES.forEach(name -> client.getDatabase(name).drop());
        stores.close();
    }

    /** Every rule the check knows, and consents and links whose state changes between their shares. */
    private static void scenario(LedgerScript script) {
        Instant asOf = script.now();
        script.link("link-1").link("link-2").link("link-3")
              .standardConsent("c-1", "link-1").authorise("c-1")
              .requestConsent("c-2", "link-2", EnumSet.of(Scope.BALANCES), EnumSet.of(Purpose.FRAUD_ALERTS),
                              TransactionWindow.lookback(90), AccessFrequency.perDay(2))
              .shareBalance("c-2", "1.00", asOf) // before its authorisation
              .authorise("c-2");
        for (int i = 0; i < 4; i++) {
            script.later(Duration.ofMinutes(1)).shareBalance("c-1", i + ".00", asOf)
                  .shareBalance("c-2", i + ".50", asOf) // the third and fourth of the day exceed 2 a day
                  .shareTransactions("c-1", Scope.TRANSACTIONS, Purpose.CUSTOMER_SERVICE,
                                     tx("t-" + i, "-1.00", script.now().minusSeconds(60)));
        }
        script.shareBalance("c-1", "9.00", asOf, Purpose.ADVERTISING)
              .shareTransactions("c-1", Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                 tx("t-old", "-2.00", script.now().minus(Duration.ofDays(400))))
              .requestConsent("c-3", "link-3", EnumSet.of(Scope.TRANSACTIONS_VIA_RECIPIENT),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(30), AccessFrequency.once())
              .authorise("c-3")
              .shareTransactions("c-3", Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.FRAUD_ALERTS,
                                 tx("t-own", "-3.00", script.now(), LedgerScript.RECIPIENT),
                                 tx("t-else", "-4.00", script.now(), "card"))
              .shareTransactions("c-3", Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.FRAUD_ALERTS) // one-off, used
              .unlink("link-3")
              .shareTransactions("c-3", Scope.TRANSACTIONS_VIA_RECIPIENT, Purpose.FRAUD_ALERTS)
              .revoke("c-1")
              .later(Duration.ofMinutes(1)).shareBalance("c-1", "10.00", asOf)
              .plant("Consent", "c-unknown", new BalanceShared(
                      "share-planted", "c-unknown", "link-1", LedgerScript.RECIPIENT, LedgerScript.PROVIDER,
                      LedgerScript.CUSTOMER, Scope.BALANCES, Purpose.FRAUD_ALERTS, new BigDecimal("1.00"), "GBP",
                      asOf, TransactionWindow.lookback(90).appliedAt(script.now()), script.now()));
    }

    @Property(tries = 40)
    void anyBatchingStoresWhatOneEventAtATimeStores(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 12) Integer> batchSizes) {
        Projections batched = new Projections();
        for (List<TrackedEventMessage<?>> batch : split(batchSizes)) {
            Map<String, List<Document>> expected = oneAtATimeThrough(batch.get(batch.size() - 1));
            for (Processor processor : batched.processors) {
                boolean committed = processor.deliver(batch, () -> {
                    // The processor stores its token here: by now, every write of the batch must be readable.
                    Map<String, List<Document>> stored = batched.dump();
                    for (String collection : processor.collections()) {
                        assertThat(stored.get(collection)).as(collection).isEqualTo(expected.get(collection));
                    }
                });
                assertThat(committed).as("%s committed its batch", processor.name()).isTrue();
            }
        }
        assertThat(batched.dump()).isEqualTo(oneAtATime);
    }

    @Property(tries = 30)
    void aBatchThatFailedStoresTheSameWhenDeliveredAgain(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 12) Integer> batchSizes,
            @ForAll @IntRange(min = 0, max = 39) int failing,
            @ForAll("failures") String failure) {
        Projections batched = new Projections();
        List<List<TrackedEventMessage<?>>> batches = split(batchSizes);
        int failingBatch = failing % batches.size();
        for (int i = 0; i < batches.size(); i++) {
            List<TrackedEventMessage<?>> batch = batches.get(i);
            for (Processor processor : batched.processors) {
                if (i == failingBatch) {
                    batched.blocked.add(failure);
                    boolean committed = processor.deliver(batch, () -> {
                        if (failure.equals(TOKEN_STORE)) {
                            throw new MongoException("injected failure: the token could not be stored");
                        }
                    });
                    batched.blocked.clear();
                    if (committed) {
                        continue; // nothing it writes was refused
                    }
                }
                assertThat(processor.deliver(batch, () -> { })).as("%s committed its batch", processor.name())
                                                                .isTrue();
            }
        }
        Map<String, List<Document>> stored = batched.dump();
        // Sequence numbers taken by a failed batch are skipped; what a cursor sees, their order, is the same.
        assertThat(withoutSeq(stored)).isEqualTo(withoutSeq(oneAtATime));
        assertThat(stored.get(AccessLogProjection.RECORDS).stream()
                         .sorted(Comparator.comparing(d -> d.get("globalPosition", Number.class).longValue()))
                         .map(d -> d.get("seq", Number.class).longValue()))
                .as("numbered in log order").isSorted().doesNotHaveDuplicates();
    }

    /**
     * With concurrent writers an event can be committed after an event at a later position: the processor then gets
     * it as a gap filled, and its token's position does not move. A batch that starts with such an event must not
     * be mistaken for the previous batch delivered again.
     */
    @Example
    void aBatchThatStartsWithALateEventIsNotTakenForTheOneBefore() {
        List<GenericDomainEventMessage<?>> events = new ArrayList<>();
        LedgerScript script = new LedgerScript(events::add);
        Instant asOf = script.now();
        script.link("link-9")
              .requestConsent("c-9", "link-9", EnumSet.of(Scope.BALANCES), EnumSet.of(Purpose.FRAUD_ALERTS),
                              TransactionWindow.lookback(90), AccessFrequency.perDay(1))
              .authorise("c-9")
              .later(Duration.ofMinutes(1)).shareBalance("c-9", "1.00", asOf)  // position 4, committed last
              .later(Duration.ofMinutes(1)).shareBalance("c-9", "2.00", asOf); // position 5, read first
        List<TrackedEventMessage<?>> delivered = List.of(
                tracked(events.get(0), 1, Set.of()), tracked(events.get(1), 2, Set.of()),
                tracked(events.get(2), 3, Set.of()),
                tracked(events.get(4), 5, Set.of(4L)), // the gap at 4 is still open
                tracked(events.get(3), 5, Set.of()));  // 4 arrives: the gap closes, the index stays 5
        EventLog appended = appendInOrder(events);
        Projections oneByOne = new Projections(appended);
        delivered.forEach(oneByOne::deliverAlone);
        assertThat(oneByOne.compliance.handle(new CheckCompliance(null)).violations()).extracting(Violation::rule)
                .as("the second share of the day").containsExactly(ComplianceRule.FREQUENCY_EXCEEDED.name());

        Projections batched = new Projections(appended);
        Processor compliance = batched.processors.get(1);
        for (List<TrackedEventMessage<?>> batch : List.of(delivered.subList(0, 3), delivered.subList(3, 4),
                                                          delivered.subList(4, 5))) {
            assertThat(compliance.deliver(batch, () -> { })).isTrue();
        }
        assertThat(batched.dump().get("compliance_violations"))
                .isEqualTo(oneByOne.dump().get("compliance_violations"));
        assertThat(batched.dump().get("compliance_consents"))
                .isEqualTo(oneByOne.dump().get("compliance_consents"));
    }

    /**
     * The same late event: its token's index stays at 5, but it is at position 4, and so the tree's leaf 3. The access
     * record takes its position from the log, whatever the batching.
     */
    @Example
    void aLateEventIsRecordedAtItsOwnPositionAndLeaf() {
        List<GenericDomainEventMessage<?>> events = new ArrayList<>();
        LedgerScript script = new LedgerScript(events::add);
        Instant asOf = script.now();
        script.link("link-8").standardConsent("c-8", "link-8").authorise("c-8")
              .shareBalance("c-8", "1.00", asOf)  // position 4, committed last
              .shareBalance("c-8", "2.00", asOf); // position 5, read first
        EventLog appended = appendInOrder(events);
        List<TrackedEventMessage<?>> delivered = List.of(
                tracked(events.get(0), 1, Set.of()), tracked(events.get(1), 2, Set.of()),
                tracked(events.get(2), 3, Set.of()), tracked(events.get(4), 5, Set.of(4L)),
                tracked(events.get(3), 5, Set.of()));
        Projections oneByOne = new Projections(appended);
        delivered.forEach(oneByOne::deliverAlone);
        Projections batched = new Projections(appended);
        assertThat(batched.processors.get(0).deliver(delivered, () -> { })).isTrue();
        for (Projections projections : List.of(oneByOne, batched)) {
            Map<String, Document> byId = new LinkedHashMap<>();
            projections.dump().get(AccessLogProjection.RECORDS).forEach(d -> byId.put(d.getString("_id"), d));
            assertThat(byId.get(events.get(3).getIdentifier())).containsEntry("globalPosition", 4L)
                                                               .containsEntry("leafIndex", 4L);
            assertThat(byId.get(events.get(4).getIdentifier())).containsEntry("globalPosition", 5L)
                                                               .containsEntry("leafIndex", 5L);
        }
    }

    /**
     * A late share that breaks its consent's purpose: the violation stands at the share's own position in the log
     * (4), not at its token's index (5), delivered one by one or in a batch.
     */
    @Example
    void aLateViolationIsReportedAtItsOwnPosition() {
        List<GenericDomainEventMessage<?>> events = new ArrayList<>();
        LedgerScript script = new LedgerScript(events::add);
        Instant asOf = script.now();
        script.link("link-9").standardConsent("c-9", "link-9").authorise("c-9")
              .shareBalance("c-9", "1.00", asOf, Purpose.ADVERTISING)  // position 4, committed last
              .shareBalance("c-9", "2.00", asOf, Purpose.ADVERTISING); // position 5, read first
        EventLog appended = appendInOrder(events);
        List<TrackedEventMessage<?>> delivered = List.of(
                tracked(events.get(0), 1, Set.of()), tracked(events.get(1), 2, Set.of()),
                tracked(events.get(2), 3, Set.of()), tracked(events.get(4), 5, Set.of(4L)),
                tracked(events.get(3), 5, Set.of()));
        Projections oneByOne = new Projections(appended);
        delivered.forEach(oneByOne::deliverAlone);
        Projections batched = new Projections(appended);
        assertThat(batched.processors.get(1).deliver(delivered, () -> { })).isTrue();
        for (Projections projections : List.of(oneByOne, batched)) {
            Map<String, Long> positions = new LinkedHashMap<>();
            projections.dump().get("compliance_violations").forEach(d -> positions.put(d.getString("eventId"),
                    d.get("globalPosition", Number.class).longValue()));
            assertThat(positions).containsEntry(events.get(3).getIdentifier(), 4L)
                                 .containsEntry(events.get(4).getIdentifier(), 5L)
                                 .hasSize(2);
            assertThat(projections.compliance.handle(new CheckCompliance(null)).violations())
                    .extracting(Violation::globalPosition).containsExactly(4L, 5L);
        }
    }

    private static GapAwareMongoEventStorageEngine engine(MongoDatabase database) {
        return GapAwareMongoEventStorageEngine.builder().database(database)
                                              .eventSerializer(LedgerSerializers.jackson())
                                              .snapshotSerializer(LedgerSerializers.jackson()).build();
    }

    /** Appends the events, one commit each, to a log of their own: event i at position i + 1. */
    private static EventLog appendInOrder(List<GenericDomainEventMessage<?>> events) {
        MongoDatabase database = database(stores.databaseName() + "-events-" + databases.incrementAndGet());
        GapAwareMongoEventStorageEngine engine = engine(database);
        events.forEach(engine::appendEvents);
        return new EventLog(database);
    }

    private static TrackedEventMessage<?> tracked(GenericDomainEventMessage<?> event, long index, Set<Long> gaps) {
        return new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(index, gaps), event);
    }

    private static final String TOKEN_STORE = "token store";

    /** A collection whose writes the store refuses, or the token store. */
    @Provide
    Arbitrary<String> failures() {
        return Arbitraries.of(TOKEN_STORE, AccessLogProjection.RECORDS, "access_records_sequence",
                              "compliance_violations", "compliance_consents", "compliance_links",
                              "compliance_checked", "compliance_status", "link_balances");
    }

    private static List<List<TrackedEventMessage<?>>> split(List<Integer> batchSizes) {
        List<List<TrackedEventMessage<?>>> batches = new ArrayList<>();
        int from = 0;
        for (int i = 0; from < LOG.size(); i++) {
            int to = Math.min(LOG.size(), from + batchSizes.get(i % batchSizes.size()));
            batches.add(LOG.subList(from, to));
            from = to;
        }
        return batches;
    }

    /** What one-event-at-a-time delivery has stored once it has handled {@code last}. */
    private static Map<String, List<Document>> oneAtATimeThrough(TrackedEventMessage<?> last) {
        Projections reference = new Projections();
        for (TrackedEventMessage<?> event : LOG) {
            reference.deliverAlone(event);
            if (event == last) {
                break;
            }
        }
        return reference.dump();
    }

    private static Map<String, List<Document>> withoutSeq(Map<String, List<Document>> dump) {
        Map<String, List<Document>> copy = new LinkedHashMap<>(dump);
        copy.put(AccessLogProjection.RECORDS, dump.get(AccessLogProjection.RECORDS).stream().map(d -> {
            Document without = new Document(d);
            without.remove("seq");
            return without;
        }).toList());
        return copy;
    }

    private static final Set<String> WRITES = Set.of("insertOne", "insertMany", "bulkWrite", "updateOne",
                                                     "updateMany", "replaceOne", "findOneAndUpdate", "deleteMany");

    /** The real database, whose collections refuse writes while their name is in {@code blocked}. */
    private static MongoDatabase failing(MongoDatabase real, Set<String> blocked) {
        return proxy(MongoDatabase.class, real, (method, result, args) -> {
            if (!method.getName().equals("getCollection")) {
                return result;
            }
            String name = (String) args[0];
            return proxy(MongoCollection.class, result, (write, written, writeArgs) -> written, (write, writeArgs) -> {
                if (WRITES.contains(write.getName()) && blocked.contains(name)) {
                    throw new MongoException("injected failure: the store refuses writes to " + name);
                }
            });
        }, (method, args) -> { });
    }

    private interface After {
        Object apply(Method method, Object result, Object[] args);
    }

    private interface Before {
        void check(Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Object target, After after, Before before) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, method, args) -> {
            before.check(method, args);
            try {
                return after.apply(method, method.invoke(target, args), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private static MongoDatabase database(String name) {
        synchronized (DATABASES) {
            DATABASES.add(name);
        }
        return client.getDatabase(name);
    }

    /** One projection's processor: a batch runs as a pooled streaming processor runs it. */
    private record Processor(String name, BatchedWrites<?> interceptor, AnnotationEventHandlerAdapter handler,
                             List<String> collections, TokenStore tokenStore) {

        Processor {
            tokenStore.initializeTokenSegments(name, 1);
        }

        /**
         * True if the batch committed; false if it was rolled back (its token not stored) and must come again. As
         * Axon's {@code WorkPackage}: the segment in the unit of work's resources, and the batch's last token stored
         * in a prepare-commit step registered before the handlers run ({@code storeToken} runs first, and may fail).
         */
        boolean deliver(List<TrackedEventMessage<?>> batch, Runnable storeToken) {
            BatchingUnitOfWork<TrackedEventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
            unitOfWork.resources().put("Processor[" + name + "]/SegmentId", 0);
            unitOfWork.onPrepareCommit(u -> {
                storeToken.run();
                tokenStore.storeToken(batch.get(batch.size() - 1).trackingToken(), name, 0);
            });
            ResultMessage<?> result = unitOfWork.executeWithResult(() -> new DefaultInterceptorChain<>(
                    unitOfWork, List.of(interceptor), message -> {
                        if (handler.canHandle(message)) {
                            handler.handle(message);
                        }
                        return null;
                    }).proceed(), RollbackConfigurationType.ANY_THROWABLE);
            assertThat(result.isExceptional()).isEqualTo(unitOfWork.isRolledBack());
            return !unitOfWork.isRolledBack();
        }
    }

    /** The batched projections on a database of their own. */
    private static final class Projections {

        final MongoDatabase real = database(stores.databaseName() + "-" + databases.incrementAndGet());
        final Set<String> blocked = new HashSet<>();
        final MongoDatabase database = failing(real, blocked);
        final AccessLogProjection accessLog;
        final TokenStore tokens = new InMemoryTokenStore();
        final ComplianceMonitor compliance;
        final BalanceProjection balances = new BalanceProjection(database);
        final List<Processor> processors;

        Projections() {
            this(eventLog);
        }

        Projections(EventLog log) {
            accessLog = new AccessLogProjection(database, log);
            compliance = new ComplianceMonitor(database, log, tokens);
            processors = List.of(
                new Processor(AccessLogProjection.GROUP, accessLog.batchedWrites(),
                              new AnnotationEventHandlerAdapter(accessLog), ACCESS_LOG, tokens),
                new Processor(ComplianceMonitor.GROUP, compliance.batchedWrites(),
                              new AnnotationEventHandlerAdapter(compliance), COMPLIANCE, tokens),
                new Processor(BalanceProjection.GROUP, balances.batchedWrites(),
                              new AnnotationEventHandlerAdapter(balances), BALANCES, tokens));
        }

        /** Outside any unit of work: each event's writes are made at once. */
        void deliverAlone(EventMessage<?> event) {
            try {
                for (Processor processor : processors) {
                    processor.handler().handle(event);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Map<String, List<Document>> dump() {
            Map<String, List<Document>> all = new LinkedHashMap<>();
            for (String name : COLLECTIONS) {
                List<Document> documents = new ArrayList<>();
                real.getCollection(name).find().sort(new Document("_id", 1)).forEach(document -> {
                    // The compliance check's record of its last batch, which one event at a time does not keep.
                    ComplianceMonitor.BATCH_FIELDS.forEach(document::remove);
                    documents.add(document);
                });
                all.put(name, documents);
            }
            return all;
        }
    }
}
