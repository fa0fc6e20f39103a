/**
 * Crypto-shredding (issue 16): personal fields of events are encrypted under a per-customer data key before they are
 * stored, decrypted on read through Axon's upcaster chain, and read as erased once the key is destroyed.
 */
package io.consentledger.eventstore.privacy;
