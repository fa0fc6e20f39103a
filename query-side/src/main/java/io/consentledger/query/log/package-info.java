/**
 * The verifiable log (issue 11): builds the Merkle tree over the global event log into tiles, signs checkpoints,
 * serves proofs, receipts and the raw export, and watches the stored events against the tree.
 */
package io.consentledger.query.log;
