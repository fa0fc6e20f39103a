/** The Idempotency-Key header: a retried command request gets its first outcome again and sends no second command. */
package io.consentledger.command.api.idempotency;
