/** Notifications (issue 12): the thin, personal-data-free notification model and the pure mapping from ledger events to notifications and their audiences. */
package io.consentledger.query.notification;
