/** The message contracts of the ledger: commands, events, queries, responses, metadata and value types, free of infrastructure. */
package io.consentledger.contracts;
