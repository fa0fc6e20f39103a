/**
 * The one Axon serializer configuration for everything the ledger stores: events, snapshots, tokens and dead letters.
 */
package io.consentledger.eventstore.serialization;
