package io.consentledger.query.notification.feed;

import java.util.List;

/**
 * A page of a subscriber's feed, oldest first, and the cursor to ask for the next page with. The cursor of an empty
 * page is the one asked with: the client asks again later with it and gets what arrived meanwhile.
 */
public record FeedPage(List<FeedEntry> entries, String nextCursor) {

    public FeedPage {
        entries = List.copyOf(entries);
    }
}
