package io.consentledger.query.asof;

import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.AccessRecord;
import io.consentledger.contracts.audit.FindAccessRecords;
import io.consentledger.contracts.audit.LogCheckpoint;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.LedgerScript;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.access.AccessLogQueries;
import io.consentledger.query.consent.ConsentFold;
import io.consentledger.query.consent.ConsentProjection;
import io.consentledger.query.consent.ConsentViews;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point in time (issue 11): for random logs and random bounds, the as-of answer equals a replay of the log up to that
 * bound. The replay runs the projection's pure fold ({@link ConsentFold}) over the events whose leaf index (global
 * position - 1) is below the tree size, straight from the event store; the answer comes through the query handlers
 * from the read models the projections stored. The projections get the events in an order other than the log's (as
 * late commits and several segments deliver them; one consent's events stay in order), so a leaf index taken from
 * delivery order rather than the log would show.
 */
class PointInTimePropertyTest {

    private static final String[] CONSENTS = {"c-1", "c-2", "c-3"};
    private static final Instant SIGNED_AT = Instant.parse("2026-12-01T00:00:00Z");

    private static TestStores stores;
    private static final AtomicInteger databases = new AtomicInteger();

    @BeforeContainer
    static void start() {
        stores = TestStores.open();
    }

    @AfterContainer
    static void stop() {
        stores.close();
    }

    /** One step of a random history: an action on one of three consents, a while after the step before. */
    record Step(int consent, int action, int minutesLater) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        return Combinators.combine(Arbitraries.integers().between(0, CONSENTS.length - 1),
                                   Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 90))
                          .as(Step::new).list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 40)
    void theAsOfAnswerEqualsAReplayOfTheLogUpToTheBound(@ForAll("histories") List<Step> history,
                                                         @ForAll("bounds") double boundFraction,
                                                         @ForAll long deliverySeed) throws Exception {
        MongoDatabase database = stores.client().getDatabase(stores.databaseName() + "-asof-" + databases.incrementAndGet());
        try {
            GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder().database(database)
                    .eventSerializer(LedgerSerializers.jackson()).snapshotSerializer(LedgerSerializers.jackson()).build();
            write(new LedgerScript(engine::appendEvents), history);
            List<TrackedEventMessage<?>> log = engine.readEvents(null, false).<TrackedEventMessage<?>>map(e -> e).toList();
            EventLog eventLog = new EventLog(database);
            long size = eventLog.head();
            assertThat(log).hasSize((int) size);

            AnnotationEventHandlerAdapter consents =
                    new AnnotationEventHandlerAdapter(new ConsentProjection(database, eventLog));
            AnnotationEventHandlerAdapter accessLog =
                    new AnnotationEventHandlerAdapter(new AccessLogProjection(database, eventLog));
            for (TrackedEventMessage<?> event : shuffledPerAggregate(log, new Random(deliverySeed))) {
                consents.handle(event);
                accessLog.handle(event);
            }

            long treeSize = Math.round(boundFraction * (size + 1)); // the full tree has leaf 0 (position 0, sealed) too
            LogCheckpoint checkpoint = new LogCheckpoint(treeSize, "root-" + treeSize, SIGNED_AT);
            ConsentViews views = new ConsentViews(database, Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
            AccessLogQueries access = new AccessLogQueries(database);

            // the replay: leaf i is the event at position i; the log's first event is at position 1
            List<TrackedEventMessage<?>> covered = log.subList(0, (int) Math.max(0, treeSize - 1));
            for (String consentId : CONSENTS) {
                ConsentFold.State replayed = ConsentFold.State.NONE;
                for (int leaf = 0; leaf < covered.size(); leaf++) {
                    DomainEventMessage<?> event = (DomainEventMessage<?>) covered.get(leaf);
                    ConsentFold.Change change = ConsentFold.changeOf(event.getPayload(), event.getIdentifier(), leaf + 1L);
                    if (change != null && consentId.equals(event.getAggregateIdentifier())) {
                        replayed = ConsentFold.apply(replayed, change);
                    }
                }
                Optional<ConsentView> answer = views.handle(new FindConsent(consentId, checkpoint));
                if (replayed.status() == null) {
                    assertThat(answer).as("%s not requested below %s", consentId, treeSize).isEmpty();
                    continue;
                }
                assertThat(answer).isPresent();
                ConsentView view = answer.get();
                assertThat(view.recordedStatus()).isEqualTo(replayed.status());
                assertThat(view.status()).isEqualTo(ConsentFold.effective(replayed.status(), replayed.expiresAt(), SIGNED_AT));
                assertThat(view.authorisedAt()).isEqualTo(replayed.authorisedAt());
                assertThat(view.expiresAt()).isEqualTo(replayed.expiresAt());
                assertThat(view.history()).extracting(ConsentView.StatusChange::eventId, ConsentView.StatusChange::leafIndex)
                        .containsExactlyElementsOf(replayed.history().stream()
                                .map(c -> org.assertj.core.groups.Tuple.tuple(c.eventId(), c.leafIndex())).toList());
                assertThat(view.checkpoint()).isEqualTo(checkpoint);
            }
            // the dashboard as of the bound holds exactly the consents requested below it
            List<String> requested = covered.stream()
                    .filter(e -> e.getPayload() instanceof io.consentledger.contracts.consent.ConsentRequested)
                    .map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()).sorted().toList();
            assertThat(views.handle(new FindCustomerConsents(LedgerScript.CUSTOMER, checkpoint)))
                    .extracting(ConsentView::consentId).containsExactlyInAnyOrderElementsOf(requested);

            // the access records as of the bound: the shares below it, each at its own leaf
            Map<String, Long> expectedShares = new LinkedHashMap<>();
            for (int leaf = 0; leaf < covered.size(); leaf++) {
                Object payload = covered.get(leaf).getPayload();
                if (payload instanceof BalanceShared || payload instanceof TransactionsShared) {
                    expectedShares.put(covered.get(leaf).getIdentifier(), leaf + 1L);
                }
            }
            Map<String, Long> answered = new LinkedHashMap<>();
            for (AccessRecord record : access.handle(new FindAccessRecords(AccessFilter.none(), null, false, 500, checkpoint)).records()) {
                answered.put(record.eventId(), record.leafIndex());
                assertThat(record.globalPosition()).isEqualTo(record.leafIndex());
            }
            assertThat(answered).isEqualTo(expectedShares);
            List<String> exported = new ArrayList<>();
            access.stream(AccessFilter.none(), checkpoint, record -> exported.add(record.eventId()));
            assertThat(exported).containsExactlyInAnyOrderElementsOf(expectedShares.keySet());

            // and at the full size, the as-of fold is the view the projection built event by event
            LogCheckpoint full = new LogCheckpoint(size + 1, "root", SIGNED_AT);
            for (String consentId : CONSENTS) {
                Optional<ConsentView> today = views.handle(new FindConsent(consentId));
                Optional<ConsentView> asOfAll = views.handle(new FindConsent(consentId, full));
                assertThat(asOfAll.map(v -> withoutCheckpoint(v))).isEqualTo(today);
            }
        } finally {
            database.drop();
        }
    }

    /** Where the bound falls in the log: often at either end, else anywhere. */
    @Provide
    Arbitrary<Double> bounds() {
        return Arbitraries.oneOf(Arbitraries.of(0.0, 1.0), Arbitraries.doubles().between(0, 1),
                                 Arbitraries.doubles().between(0, 1));
    }

    private static ConsentView withoutCheckpoint(ConsentView v) {
        return new ConsentView(v.consentId(), v.recipientId(), v.customerId(), v.providerId(), v.linkIds(), v.scopes(),
                               v.purposes(), v.window(), v.frequency(), v.requestedAt(), v.authorisedAt(),
                               v.expiresAt(), v.status(), v.recordedStatus(), v.history(), null);
    }

    /** Writes a history; an action on a consent not yet requested requests it. */
    private static void write(LedgerScript script, List<Step> history) {
        boolean[] requested = new boolean[CONSENTS.length];
        script.link("link-1");
        Instant asOf = script.now();
        for (Step step : history) {
            script.later(Duration.ofMinutes(step.minutesLater()));
            String consent = CONSENTS[step.consent()];
            if (!requested[step.consent()]) {
                script.standardConsent(consent, "link-1");
                requested[step.consent()] = true;
                continue;
            }
            switch (step.action()) {
                case 0 -> script.authorise(consent);
                case 1 -> script.reauthorise(consent, script.now().plus(Duration.ofDays(30 + step.minutesLater())));
                case 2 -> script.reject(consent);
                case 3 -> script.revoke(consent);
                case 4 -> script.expire(consent);
                case 5 -> script.shareBalance(consent, step.minutesLater() + ".00", asOf);
                default -> script.shareTransactions(consent, Scope.TRANSACTIONS, Purpose.CUSTOMER_SERVICE,
                                                    LedgerScript.tx("t-" + step.minutesLater(), "-1.00", script.now()));
            }
        }
    }

    /** The log's events in a random interleaving that keeps each aggregate's events in their order. */
    private static List<TrackedEventMessage<?>> shuffledPerAggregate(List<TrackedEventMessage<?>> log, Random random) {
        Map<String, Deque<TrackedEventMessage<?>>> byAggregate = new LinkedHashMap<>();
        for (TrackedEventMessage<?> event : log) {
            byAggregate.computeIfAbsent(((DomainEventMessage<?>) event).getAggregateIdentifier(),
                                        k -> new ArrayDeque<>()).add(event);
        }
        List<TrackedEventMessage<?>> delivered = new ArrayList<>();
        while (!byAggregate.isEmpty()) {
            List<String> keys = new ArrayList<>(byAggregate.keySet());
            String key = keys.get(random.nextInt(keys.size()));
            delivered.add(byAggregate.get(key).poll());
            if (byAggregate.get(key).isEmpty()) {
                byAggregate.remove(key);
            }
        }
        return delivered;
    }
}
