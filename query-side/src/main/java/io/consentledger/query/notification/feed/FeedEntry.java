package io.consentledger.query.notification.feed;

/** One notification in a subscriber's feed: its place ({@code seq}, from 1) and the body as the webhooks get it. */
public record FeedEntry(long seq, String eventId, String body) {
}
