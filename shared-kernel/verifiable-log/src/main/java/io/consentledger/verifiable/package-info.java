/**
 * The pure, storage-agnostic core of the verifiable ledger (issue 11): JDK only, so its jar is the offline verifier.
 */
package io.consentledger.verifiable;
