package io.consentledger.query.notification.delivery;

import io.consentledger.query.notification.Subscriber;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The recorder's cache of webhooks by subscriber, kept between batches. Correct across instances: a look-up first
 * reads the webhooks' version ({@link NotificationStore#webhooksVersion()}, one read by {@code _id}), which grows
 * with every change of any webhook, on any instance (registered, deleted, secret rotated, disabled); if it moved, the
 * whole cache is dropped. A change is written before the version moves, so a look-up that sees the new version also
 * sees the change. Since p11 the version is read at most once per {@link #VERSION_MAX_AGE}, not once per batch, and
 * at once after a change made through this process ({@link NotificationStore#lastLocalWebhookChange()}): a change
 * made through another instance is seen at most that much later, as if it had come a moment later. Subscribers
 * without webhooks are cached too (most providers have none).
 */
public class WebhookDirectory {

    /** Beyond this many subscribers the cache starts over, so it stays bounded. */
    static final int MAX_SUBSCRIBERS = 10_000;

    private final NotificationStore store;
    private final Map<Subscriber, List<Webhook>> cached = new HashMap<>();
    private long version = -1;
    private long loads;
    /** When the version the cache holds was read ({@link System#nanoTime}, taken just before the read). */
    private long versionReadAt;
    private long versionMaxAgeNanos = VERSION_MAX_AGE.toNanos();

    /**
     * How old the version read may be before a look-up reads it again: how much later than a batch of the recorder a
     * change made through another instance may be seen. Well below the dispatcher's
     * {@link WebhookDispatcher#CARRIED_WEBHOOK_MAX_AGE}, so that a first attempt still uses the webhook it carries.
     */
    static final java.time.Duration VERSION_MAX_AGE = java.time.Duration.ofMillis(250);

    public WebhookDirectory(NotificationStore store) {
        this.store = store;
    }

    /** The webhooks of these subscribers, by subscriber (an empty list for one without): one read if all are cached. */
    public synchronized Map<Subscriber, List<Webhook>> webhooksOf(Collection<Subscriber> subscribers) {
        long now = System.nanoTime();
        if (version < 0 || now - versionReadAt >= versionMaxAgeNanos
                || NotificationStore.lastLocalWebhookChange() - versionReadAt >= 0) {
            long current = store.webhooksVersion();
            versionReadAt = now;
            if (current != version) {
                cached.clear();
                version = current;
            }
        }
        if (cached.size() > MAX_SUBSCRIBERS) {
            cached.clear();
        }
        Set<Subscriber> missing = subscribers.stream().filter(s -> !cached.containsKey(s)).collect(Collectors.toSet());
        if (!missing.isEmpty()) {
            loads++;
            Map<Subscriber, List<Webhook>> loaded = store.webhooksOf(missing);
            missing.forEach(s -> cached.put(s, List.copyOf(loaded.getOrDefault(s, List.of()))));
        }
        Map<Subscriber, List<Webhook>> found = new LinkedHashMap<>();
        subscribers.forEach(s -> found.put(s, cached.get(s)));
        return found;
    }

    /**
     * When the version the cache holds was read ({@link System#nanoTime}): what a look-up returned is at least that
     * recent (the dispatcher's {@link PendingDelivery#withWebhook} age).
     */
    public synchronized long knownAt() {
        return versionReadAt;
    }

    /** For tests: how old the version read may be (default {@link #VERSION_MAX_AGE}). */
    synchronized void versionMaxAge(java.time.Duration maxAge) {
        this.versionMaxAgeNanos = maxAge.toNanos();
    }

    /** How often the store was asked for webhooks (not counting version reads): for tests. */
    synchronized long loads() {
        return loads;
    }
}
