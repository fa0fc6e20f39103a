/**
 * RFC 9162 Merkle tree hashing over the global log: node ids, root computation, inclusion and consistency proof generation from any hash source, and their verification.
 */
package io.consentledger.verifiable.merkle;
