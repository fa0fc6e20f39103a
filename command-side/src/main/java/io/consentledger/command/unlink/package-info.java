/** Unlink propagation: when a link is unlinked, every consent on it is revoked as SYSTEM. */
package io.consentledger.command.unlink;
