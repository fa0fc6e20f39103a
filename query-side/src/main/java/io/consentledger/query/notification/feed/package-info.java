/** The pull feed of notifications: per-subscriber sequence numbers and stable, opaque cursors. */
package io.consentledger.query.notification.feed;
