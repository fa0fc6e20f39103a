package io.consentledger.query.notification.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.consentledger.query.notification.feed.FeedPage;
import io.consentledger.query.notification.feed.NotificationFeed;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * {@code GET /api/v1/notifications?after=<cursor>&limit=N}: the calling provider's or recipient's notifications in
 * the order they were recorded, with the same bodies as its webhooks get, whether or not it has a webhook. The
 * cursor is opaque and stable: a page never misses or repeats a notification while new ones arrive, late commits
 * included. An empty page answers with the cursor it was asked with.
 */
@RestController
public class NotificationFeedController extends NotificationProblems {

    private final NotificationFeed feed;

    public NotificationFeedController(NotificationFeed feed) {
        this.feed = feed;
    }

    /** One notification: the event it comes from and the body, as a webhook receives it. */
    public record Entry(String eventId, @JsonRawValue String notification) {
    }

    public record Page(List<Entry> notifications, String nextCursor) {
    }

    @GetMapping("/api/v1/notifications")
    public Page notifications(@RequestParam(required = false) String after,
                              @RequestParam(defaultValue = "100") int limit) {
        FeedPage page = feed.page(subscriber(), after, limit(limit, NotificationFeed.MAX_LIMIT));
        return new Page(page.entries().stream().map(e -> new Entry(e.eventId(), e.body())).toList(),
                page.nextCursor());
    }
}
