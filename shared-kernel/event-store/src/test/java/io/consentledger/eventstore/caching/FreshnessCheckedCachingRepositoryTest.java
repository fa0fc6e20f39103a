package io.consentledger.eventstore.caching;

import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.caching.FreshnessCheckedCachingRepository.LoadOutcome;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * Two command-side instances, each with its own engine and cache, on one store. Runs against the embedded server, or
 * against the MongoDB named by {@code CONSENT_LEDGER_TEST_MONGODB_URI}.
 */
class FreshnessCheckedCachingRepositoryTest extends StoreTest {

    record Opened(String accountId) {
    }

    record Deposited(String accountId, BigDecimal amount) {
    }

    static class Account {
        @AggregateIdentifier
        private String id;
        private BigDecimal balance = BigDecimal.ZERO;

        Account() {
        }

        Account(String id) {
            apply(new Opened(id));
        }

        void deposit(BigDecimal amount) {
            apply(new Deposited(id, amount));
        }

        BigDecimal balance() {
            return balance;
        }

        @EventSourcingHandler
        void on(Opened event) {
            this.id = event.accountId();
        }

        @EventSourcingHandler
        void on(Deposited event) {
            this.balance = balance.add(event.amount());
        }
    }

    private String collection;
    private final List<LoadOutcome> outcomesOfA = new ArrayList<>();

    @BeforeEach
    void newCollection() {
        collection = freshCollection("cached_events_");
    }

    private GapAwareMongoEventStorageEngine engine() {
        return GapAwareMongoEventStorageEngine.builder().database(stores.database()).eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(LedgerSerializers.jackson())
                                              .snapshotSerializer(LedgerSerializers.jackson()).build();
    }

    /** One instance: its own engine, event store and cache, as a separate command-side process would have. */
    private Repository<Account> instance(List<LoadOutcome> outcomes) {
        GapAwareMongoEventStorageEngine engine = engine();
        return FreshnessCheckedCachingRepository.builder(Account.class)
                                                .eventProbe(engine::hasEventAt)
                                                .loadListener((type, outcome) -> outcomes.add(outcome))
                                                .cache(new BoundedAggregateCache(100))
                                                .eventStore(EmbeddedEventStore.builder().storageEngine(engine).build())
                                                .build();
    }

    private Repository<Account> trustingInstance() {
        GapAwareMongoEventStorageEngine engine = engine();
        return EventSourcingRepository.builder(Account.class)
                                      .cache(new BoundedAggregateCache(100))
                                      .eventStore(EmbeddedEventStore.builder().storageEngine(engine).build())
                                      .build();
    }

    private static <R> R inUnitOfWork(Callable<R> work) {
        try {
            return DefaultUnitOfWork.startAndGet(null).executeWithResult(work).getPayload();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void open(Repository<Account> repository, String id) {
        inUnitOfWork(() -> repository.newInstance(() -> new Account(id)));
    }

    private static void deposit(Repository<Account> repository, String id, String amount) {
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        try {
            repository.load(id).execute(account -> account.deposit(new BigDecimal(amount)));
            uow.commit();
        } catch (RuntimeException e) {
            if (uow.isActive()) {
                uow.rollback(e);
            }
            throw e;
        }
    }

    private static BigDecimal balance(Repository<Account> repository, String id) {
        return inUnitOfWork(() -> repository.load(id).invoke(Account::balance));
    }

    @Test
    void anUnchangedAggregateIsServedFromTheCacheAfterOneProbe() {
        Repository<Account> a = instance(outcomesOfA);
        open(a, "acc-1");
        deposit(a, "acc-1", "10.00");
        assertThat(balance(a, "acc-1")).isEqualByComparingTo("10.00");
        assertThat(outcomesOfA).containsExactly(LoadOutcome.HIT, LoadOutcome.HIT);
    }

    @Test
    void aChangeMadeByAnotherInstanceIsSeenOnTheNextLoad() {
        Repository<Account> a = instance(outcomesOfA);
        Repository<Account> b = instance(new ArrayList<>());
        open(a, "acc-2");
        assertThat(balance(a, "acc-2")).isEqualByComparingTo("0");

        deposit(b, "acc-2", "25.50");

        assertThat(balance(a, "acc-2")).isEqualByComparingTo("25.50");
        assertThat(outcomesOfA).containsExactly(LoadOutcome.HIT, LoadOutcome.STALE);
        // The fresh state is cached again: the next load is a hit, and an append from it lands at the right sequence.
        deposit(a, "acc-2", "1.00");
        assertThat(outcomesOfA).containsExactly(LoadOutcome.HIT, LoadOutcome.STALE, LoadOutcome.HIT);
        assertThat(balance(b, "acc-2")).isEqualByComparingTo("26.50");
    }

    @Test
    void withoutTheProbeACachedAggregateReadsStaleAndOnlyAnAppendNoticesTheConflict() {
        // Why the probe exists: Axon's caching repository trusts its cache.
        Repository<Account> a = trustingInstance();
        Repository<Account> b = instance(new ArrayList<>());
        open(a, "acc-3");
        deposit(b, "acc-3", "5.00");

        assertThat(balance(a, "acc-3")).isEqualByComparingTo("0");
        assertThatThrownBy(() -> deposit(a, "acc-3", "1.00")).isInstanceOf(ConcurrencyException.class);
        // The rollback evicted the stale entry: the next load reads the store.
        assertThat(balance(a, "acc-3")).isEqualByComparingTo("5.00");
    }

    @Test
    void theCacheHoldsAtMostItsBoundAndEvictsTheLeastRecentlyUsed() {
        BoundedAggregateCache cache = new BoundedAggregateCache(2);
        List<Object> expired = new ArrayList<>();
        cache.registerCacheEntryListener(new org.axonframework.common.caching.Cache.EntryListenerAdapter() {
            @Override
            public void onEntryExpired(Object key) {
                expired.add(key);
            }
        });
        cache.put("a", 1);
        cache.put("b", 2);
        assertThat((Integer) cache.get("a")).isEqualTo(1); // "a" is now the most recently used
        cache.put("c", 3);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.containsKey("b")).isFalse();
        assertThat(cache.containsKey("a")).isTrue();
        assertThat(cache.containsKey("c")).isTrue();
        assertThat(expired).containsExactly("b");
    }
}
