package io.consentledger.eventstore.privacy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.types.Binary;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import static com.mongodb.client.model.Filters.eq;

/**
 * The data key of each customer (data subject {@code providerId/customerId}), in its own collection, read by
 * {@code _id} only, wrapped by the {@link MasterKey} and cached unwrapped for a bounded time.
 * <p>
 * Destroying a key leaves a tombstone {@code {_id, erasedAt}} in place of the wrapped key, so a key is never
 * re-created for an erased customer: creating one is an insert by {@code _id}, which the tombstone refuses. Key
 * material is never logged; nothing here logs at all.
 */
public final class CustomerKeys {

    public static final String COLLECTION = "customer_keys";
    static final String WRAPPED = "wrapped";
    static final String CREATED_AT = "createdAt";
    static final String ERASED_AT = "erasedAt";

    /** What the store holds for a customer. */
    private sealed interface Entry permits Live, Erased {
    }

    private record Live(SecretKey key) implements Entry {
    }

    private record Erased(Instant at) implements Entry {
    }

    private final MongoCollection<Document> keys;
    private final MasterKey masterKey;
    private final Clock clock;
    private final Cache<String, Entry> cache;
    private final List<Consumer<String>> forgetListeners = new CopyOnWriteArrayList<>();

    public CustomerKeys(MongoDatabase database, MasterKey masterKey, Clock clock, Duration cacheTtl, long cacheSize) {
        this(database, masterKey, clock, cacheTtl, cacheSize, Ticker.systemTicker());
    }

    /** @param ticker the cache's time source (tests move it by hand) */
    CustomerKeys(MongoDatabase database, MasterKey masterKey, Clock clock, Duration cacheTtl, long cacheSize, Ticker ticker) {
        this.keys = database.getCollection(COLLECTION);
        this.masterKey = masterKey;
        this.clock = clock;
        // Maintenance on the calling thread (p9-enc), not handed to the common pool: see PersonalDataCodec. A read
        // still checks the entry's age itself, so the TTL bounds a cached key exactly as before.
        // Each entry lives a random 80-100% of the TTL (p9-enc): keys cached in the same seconds (a restart, a batch of
        // new customers) no longer all expire, and are all read again from the store, in the same seconds every TTL.
        // Never longer than the TTL, so the bound on a key destroyed by another instance is unchanged.
        long ttl = cacheTtl.toNanos();
        this.cache = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(cacheSize)
                             .expireAfter(new Expiry<String, Entry>() {
                                 @Override
                                 public long expireAfterCreate(String subject, Entry entry, long now) {
                                     return ttl - (long) (ThreadLocalRandom.current().nextDouble() * 0.2 * ttl);
                                 }

                                 @Override
                                 public long expireAfterUpdate(String subject, Entry entry, long now, long remaining) {
                                     return expireAfterCreate(subject, entry, now);
                                 }

                                 @Override
                                 public long expireAfterRead(String subject, Entry entry, long now, long remaining) {
                                     return remaining;
                                 }
                             })
                             .build();
    }

    /** The customer's key, created on first use. @throws CustomerErasedException once the customer is erased */
    public SecretKey keyForWrite(String subjectId) {
        Entry entry = cache.getIfPresent(subjectId);
        if (entry == null) {
            entry = load(subjectId).orElseGet(() -> create(subjectId));
            cache.put(subjectId, entry);
        }
        if (entry instanceof Live live) {
            return live.key();
        }
        throw new CustomerErasedException(subjectId);
    }

    /**
     * The customer's key to read with, or empty once it was destroyed.
     *
     * @throws PersonalDataException when the customer never had a key (the ciphertext cannot be genuine)
     */
    public Optional<SecretKey> keyForRead(String subjectId) {
        Entry entry = cache.getIfPresent(subjectId);
        if (entry == null) {
            entry = load(subjectId).orElseThrow(() -> new PersonalDataException(
                    "No data key exists for a customer whose encrypted personal data is stored"));
            cache.put(subjectId, entry);
        }
        return entry instanceof Live live ? Optional.of(live.key()) : Optional.empty();
    }

    /** When the customer's key was destroyed; empty while it lives or when none was ever made. */
    public Optional<Instant> erasedAt(String subjectId) {
        Document document = keys.find(eq("_id", subjectId)).first();
        return document == null || document.getDate(ERASED_AT) == null
                ? Optional.empty() : Optional.of(document.getDate(ERASED_AT).toInstant());
    }

    /**
     * Destroys the customer's key (idempotent: a second call keeps the first erasure time). A customer that never had
     * a key gets the tombstone too, so none is ever made.
     */
    public Instant destroy(String subjectId) {
        Optional<Instant> already = erasedAt(subjectId);
        if (already.isPresent()) {
            cache.put(subjectId, new Erased(already.get()));
            forgotten(subjectId);
            return already.get();
        }
        Instant now = clock.instant();
        keys.replaceOne(eq("_id", subjectId), new Document("_id", subjectId).append(ERASED_AT, Date.from(now)),
                        new ReplaceOptions().upsert(true));
        cache.put(subjectId, new Erased(now));
        forgotten(subjectId);
        return now;
    }

    /** Drops the cached key (another instance destroyed it). */
    public void evict(String subjectId) {
        cache.invalidate(subjectId);
        forgotten(subjectId);
    }

    /**
     * Calls {@code listener} with the customer whenever a key is destroyed or evicted here, after the cache no longer
     * holds it: whoever keeps values that key opened drops them ({@link PersonalDataCodec}'s opened payloads).
     */
    public void onForget(Consumer<String> listener) {
        forgetListeners.add(listener);
    }

    private void forgotten(String subjectId) {
        for (Consumer<String> listener : forgetListeners) {
            listener.accept(subjectId);
        }
    }

    private Optional<Entry> load(String subjectId) {
        Document document = keys.find(eq("_id", subjectId)).first();
        if (document == null) {
            return Optional.empty();
        }
        Binary wrapped = document.get(WRAPPED, Binary.class);
        if (wrapped == null) {
            Date erasedAt = document.getDate(ERASED_AT);
            return Optional.of(new Erased(erasedAt == null ? Instant.EPOCH : erasedAt.toInstant()));
        }
        return Optional.of(new Live(masterKey.unwrap(subjectId, wrapped.getData())));
    }

    private Entry create(String subjectId) {
        SecretKey key = newDataKey();
        try {
            keys.insertOne(new Document("_id", subjectId).append(WRAPPED, new Binary(masterKey.wrap(subjectId, key)))
                                                         .append(CREATED_AT, Date.from(clock.instant())));
            return new Live(key);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // another writer made it first, or the customer was erased meanwhile: the stored entry wins
            return load(subjectId).orElseThrow(() -> e);
        }
    }

    private static SecretKey newDataKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(Aead.KEY_BYTES * 8);
            return generator.generateKey();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }
}
