package io.consentledger.command.config;

import org.axonframework.common.caching.Cache;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A repository that answers an unknown id (or the id of an aggregate of another type) before loading: one probe on
 * the unique {@code seqKeys} index for the aggregate's first event, skipped when the aggregate is in the cache. Axon's
 * repository would try to load it, fail deep inside, log the failure at WARN with its whole stack trace (about 18 KB a
 * request) and throw: a refusal any caller can provoke at will was the most expensive request of the command side.
 * Now it costs about what a known id costs, and the {@link AggregateNotFoundException} it throws is answered 404 by
 * the API, quietly (issue 13, part 3).
 */
final class KnownAggregateRepository<T> implements Repository<T> {

    private final Repository<T> delegate;
    private final String type;
    private final Function<String, Optional<String>> storedType;
    private final Cache cache;

    /**
     * @param storedType the type of the aggregate stored under an id, empty when none
     * @param cache      the repository's cache (ids in it exist), or null
     */
    KnownAggregateRepository(Repository<T> delegate, String type, Function<String, Optional<String>> storedType, Cache cache) {
        this.delegate = delegate;
        this.type = type;
        this.storedType = storedType;
        this.cache = cache;
    }

    private void requireKnown(String aggregateIdentifier) {
        if (cache != null && cache.containsKey(aggregateIdentifier)) {
            return;
        }
        if (!storedType.apply(aggregateIdentifier).map(type::equals).orElse(false)) {
            throw new AggregateNotFoundException(aggregateIdentifier, "The aggregate was not found in the event store");
        }
    }

    @Override
    public Aggregate<T> load(String aggregateIdentifier) {
        requireKnown(aggregateIdentifier);
        return delegate.load(aggregateIdentifier);
    }

    @Override
    public Aggregate<T> load(String aggregateIdentifier, Long expectedVersion) {
        requireKnown(aggregateIdentifier);
        return delegate.load(aggregateIdentifier, expectedVersion);
    }

    @Override
    public Aggregate<T> newInstance(Callable<T> factoryMethod) throws Exception {
        return delegate.newInstance(factoryMethod);
    }

    @Override
    public Aggregate<T> newInstance(Callable<T> factoryMethod, Consumer<Aggregate<T>> initMethod) throws Exception {
        return delegate.newInstance(factoryMethod, initMethod);
    }

    @Override
    public Aggregate<T> loadOrCreate(String aggregateIdentifier, Callable<T> factoryMethod) throws Exception {
        return delegate.loadOrCreate(aggregateIdentifier, factoryMethod);
    }

    @Override
    public void send(Message<?> message, ScopeDescriptor scopeDescription) throws Exception {
        delegate.send(message, scopeDescription);
    }

    @Override
    public boolean canResolve(ScopeDescriptor scopeDescription) {
        return delegate.canResolve(scopeDescription);
    }
}
