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
 * The recorder's cache of webhooks by subscriber, kept between batches. Correct across instances: every look-up
 * first reads the webhooks' version ({@link NotificationStore#webhooksVersion()}, one read by {@code _id}), which
 * grows with every change of any webhook, on any instance (registered, deleted, secret rotated, disabled); if it
 * moved, the whole cache is dropped. A change is written before the version moves, so a look-up that sees the new
 * version also sees the change; one that reads the old version works at most one batch with what it knew, as if the
 * change had come a moment later. Subscribers without webhooks are cached too (most providers have none).
 */
public class WebhookDirectory {

    /** Beyond this many subscribers the cache starts over, so it stays bounded. */
    static final int MAX_SUBSCRIBERS = 10_000;

    private final NotificationStore store;
    private final Map<Subscriber, List<Webhook>> cached = new HashMap<>();
    private long version = -1;
    private long loads;

    public WebhookDirectory(NotificationStore store) {
        this.store = store;
    }

    /** The webhooks of these subscribers, by subscriber (an empty list for one without): one read if all are cached. */
    public synchronized Map<Subscriber, List<Webhook>> webhooksOf(Collection<Subscriber> subscribers) {
        long current = store.webhooksVersion();
        if (current != version || cached.size() > MAX_SUBSCRIBERS) {
            cached.clear();
            version = current;
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

    /** How often the store was asked for webhooks (not counting version reads): for tests. */
    synchronized long loads() {
        return loads;
    }
}
