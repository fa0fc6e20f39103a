package io.consentledger.eventstore.caching;

import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.AggregateCacheEntry;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Freshness probes for several cached aggregates in one round trip. A command that will load two cached aggregates
 * (a share: its consent, then the link it reads) would make one {@link FreshnessCheckedCachingRepository} probe per
 * aggregate, one after the other. Before the command is handled, {@link #prefetch} asks the store once, with one
 * {@code $in} on the unique {@code seqKeys} index, whether each aggregate has an event past the version in its
 * cache, and keeps the answers for the handling thread; the repositories' probe ({@link #probe}) then uses each answer
 * once, for exactly that aggregate and sequence number, and asks the store itself for anything else (an aggregate
 * whose cached version moved meanwhile, a retry on another thread, an aggregate not cached).
 * <p>
 * An answer is as fresh as a probe made a few microseconds later, under the aggregate's lock: the window between the
 * probe and the append (which optimistic concurrency closes for commands that append) is a little longer, which
 * changes nothing for correctness; a command that only reads or is refused had the same window between the probe and
 * its handler.
 */
public final class PrefetchedProbes {

    private static final Field VERSION = versionField();

    /** One prefetched answer: whether the store held an event of the aggregate at this sequence number. */
    private record Answer(long sequenceNumber, boolean present) {
    }

    private final ThreadLocal<Map<String, Answer>> answers = new ThreadLocal<>();
    private final Function<Map<String, Long>, Set<String>> store;

    /** @param store answers which aggregates have an event at the given sequence numbers, in one round trip */
    public PrefetchedProbes(Function<Map<String, Long>, Set<String>> store) {
        this.store = store;
    }

    /** Whether the cached version of an aggregate can be read (Axon's cache entry keeps it in a private field). */
    public static boolean available() {
        return VERSION != null;
    }

    /**
     * Probes, in one round trip, every aggregate of {@code aggregates} held in its cache, at its cached version + 1,
     * and keeps the answers for this thread until {@link #clear()}. Aggregates not cached are left out.
     *
     * @param aggregates aggregate identifier to the cache it is held in
     */
    public void prefetch(Map<String, Cache> aggregates) {
        if (VERSION == null) {
            return;
        }
        Map<String, Long> next = new LinkedHashMap<>();
        aggregates.forEach((id, cache) -> {
            Long version = cachedVersion(cache, id);
            if (version != null) {
                next.put(id, version + 1);
            }
        });
        if (next.size() < 2) {
            return; // one probe costs what the repository's own probe costs
        }
        Set<String> present = store.apply(next);
        Map<String, Answer> byAggregate = new HashMap<>();
        next.forEach((id, sequence) -> byAggregate.put(id, new Answer(sequence, present.contains(id))));
        answers.set(byAggregate);
    }

    /** Forgets this thread's answers (after the command was handled). */
    public void clear() {
        answers.remove();
    }

    /** A probe that uses this thread's prefetched answer for exactly this aggregate and sequence, once, else {@code fallback}. */
    public FreshnessCheckedCachingRepository.EventProbe probe(FreshnessCheckedCachingRepository.EventProbe fallback) {
        return (aggregateIdentifier, sequenceNumber) -> {
            Map<String, Answer> current = answers.get();
            Answer answer = current == null ? null : current.get(aggregateIdentifier);
            if (answer != null && answer.sequenceNumber() == sequenceNumber) {
                current.remove(aggregateIdentifier);
                return answer.present();
            }
            return fallback.hasEventAt(aggregateIdentifier, sequenceNumber);
        };
    }

    private static Long cachedVersion(Cache cache, String id) {
        Object entry = cache.get(id);
        if (!(entry instanceof AggregateCacheEntry<?>)) {
            return null;
        }
        try {
            return (Long) VERSION.get(entry);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    private static Field versionField() {
        try {
            Field field = AggregateCacheEntry.class.getDeclaredField("version");
            field.setAccessible(true);
            return field.getType() == Long.class ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Axon version: every load probes on its own, as before
        }
    }
}
