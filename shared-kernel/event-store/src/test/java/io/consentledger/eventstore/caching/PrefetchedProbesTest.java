package io.consentledger.eventstore.caching;

import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository.LoadOutcome;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepositoryTest.Account;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the freshness probes of two cached aggregates in one round trip, with the same answers as one probe each,
 * including when another instance appended meanwhile.
 */
class PrefetchedProbesTest extends StoreTest {

    private String collection;
    private final AtomicInteger singleProbes = new AtomicInteger();
    private final AtomicInteger batchedProbes = new AtomicInteger();
    private final List<LoadOutcome> outcomes = new ArrayList<>();

    @BeforeEach
    void newCollection() {
        collection = freshCollection("prefetched_");
    }

    private GapAwareMongoEventStorageEngine engine() {
        return GapAwareMongoEventStorageEngine.builder().database(stores.database()).eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(LedgerSerializers.jackson())
                                              .snapshotSerializer(LedgerSerializers.jackson()).build();
    }

    private record Instance(Repository<Account> repository, Cache cache, PrefetchedProbes probes) {
    }

    private Instance instance() {
        GapAwareMongoEventStorageEngine engine = engine();
        PrefetchedProbes probes = new PrefetchedProbes(sequences -> {
            batchedProbes.incrementAndGet();
            return engine.aggregatesWithEventAt(sequences);
        });
        BoundedAggregateCache cache = new BoundedAggregateCache(100);
        Repository<Account> repository = FreshnessCheckedCachingRepository
                .builder(Account.class)
                .eventProbe(probes.probe((id, seq) -> {
                    singleProbes.incrementAndGet();
                    return engine.hasEventAt(id, seq);
                }))
                .loadListener((type, outcome) -> outcomes.add(outcome))
                .cache(cache)
                .eventStore(EmbeddedEventStore.builder().storageEngine(engine).build())
                .build();
        return new Instance(repository, cache, probes);
    }

    private static void open(Repository<Account> repository, String id) {
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        try {
            repository.newInstance(() -> new Account(id));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        uow.commit();
    }

    private static void deposit(Repository<Account> repository, String id, String amount) {
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        repository.load(id).execute(account -> account.deposit(new BigDecimal(amount)));
        uow.commit();
    }

    /** Loads both in one unit of work after prefetching both, as the command side does for a share. */
    private List<BigDecimal> loadBoth(Instance instance, String first, String second) {
        List<BigDecimal> balances = new ArrayList<>();
        instance.probes().prefetch(Map.of(first, instance.cache(), second, instance.cache()));
        try {
            DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
            balances.add(instance.repository().load(first).invoke(Account::balance));
            balances.add(instance.repository().load(second).invoke(Account::balance));
            // a second load of the same aggregate in the same unit of work
            balances.add(instance.repository().load(first).invoke(Account::balance));
            uow.commit();
        } finally {
            instance.probes().clear();
        }
        return balances;
    }

    @Test
    void twoCachedAggregatesAreProbedInOneRoundTrip() {
        assertThat(PrefetchedProbes.available()).as("Axon's cache entry still keeps its version").isTrue();
        Instance a = instance();
        open(a.repository(), "acc-1");
        open(a.repository(), "acc-2");
        deposit(a.repository(), "acc-1", "5");
        singleProbes.set(0);
        outcomes.clear();

        assertThat(loadBoth(a, "acc-1", "acc-2")).containsExactly(new BigDecimal("5"), BigDecimal.ZERO, new BigDecimal("5"));
        assertThat(batchedProbes).hasValue(1);
        // both loads used the prefetched answers; the repeated load is served from the unit of work, without a probe
        assertThat(outcomes).containsExactly(LoadOutcome.HIT, LoadOutcome.HIT);
        assertThat(singleProbes).hasValue(0);
    }

    @Test
    void anAppendByAnotherInstanceIsSeenAsWithOneProbeEach() {
        Instance a = instance();
        Instance b = instance();
        open(a.repository(), "acc-1");
        open(a.repository(), "acc-2");
        deposit(a.repository(), "acc-2", "1");
        // b appends to acc-1: a's cached acc-1 is stale, its acc-2 is not
        deposit(b.repository(), "acc-1", "7");
        outcomes.clear();

        List<BigDecimal> balances = loadBoth(a, "acc-1", "acc-2");
        assertThat(balances.get(0)).isEqualByComparingTo("7");
        assertThat(balances.get(1)).isEqualByComparingTo("1");
        assertThat(outcomes.subList(0, 2)).containsExactly(LoadOutcome.STALE, LoadOutcome.HIT);
    }

    @Test
    void withoutAPrefetchEveryLoadProbesOnItsOwn() {
        Instance a = instance();
        open(a.repository(), "acc-1");
        singleProbes.set(0);
        deposit(a.repository(), "acc-1", "2");
        assertThat(singleProbes).hasValue(1);
        assertThat(batchedProbes).hasValue(0);
    }
}
