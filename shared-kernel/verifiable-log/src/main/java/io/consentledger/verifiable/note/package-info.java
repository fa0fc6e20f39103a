/**
 * C2SP signed notes with Ed25519 from the JDK: signer and verifier keys, tlog-checkpoint v1.0.0 checkpoints, and tlog-proof receipts.
 */
package io.consentledger.verifiable.note;
