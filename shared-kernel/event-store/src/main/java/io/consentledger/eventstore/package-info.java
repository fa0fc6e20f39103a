/**
 * The ledger's gap-aware Axon event store on the MongoDB sync driver: the storage engine Axon sees, the
 * commit-document schema, tracking reads, gap sealing, position allocation and the auditors' read-only event log.
 */
package io.consentledger.eventstore;
