package io.consentledger.query.notification.feed;

/** A cursor the feed did not issue; {@link #CODE} becomes the problem's {@code code}. */
public class InvalidFeedCursor extends RuntimeException {

    public static final String CODE = "feed-cursor-invalid";

    public InvalidFeedCursor() {
        super("The cursor is not one this feed issued.", null, false, false);
    }

    public String code() {
        return CODE;
    }
}
