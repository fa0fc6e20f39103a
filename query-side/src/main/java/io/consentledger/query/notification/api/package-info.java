/** The notifications' HTTP API: webhooks, their delivery logs and the pull feed, with their RFC 9457 problems. */
package io.consentledger.query.notification.api;
