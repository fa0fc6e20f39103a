/** Webhook registrations and deliveries on MongoDB, the retry schedule, per-consent ordering and the dispatcher that sends signed notifications. */
package io.consentledger.query.notification.delivery;
