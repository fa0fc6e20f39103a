/**
 * The canonical leaf encoding of a stored ledger event or sealed gap, the bytes that the Merkle tree hashes.
 */
package io.consentledger.verifiable.leaf;
