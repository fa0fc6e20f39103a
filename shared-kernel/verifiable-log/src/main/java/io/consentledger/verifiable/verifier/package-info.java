/**
 * The offline verifier: checks a signed checkpoint against an export of the log, an earlier checkpoint and receipts, needing nothing but Java 17 and the verifier key.
 */
package io.consentledger.verifiable.verifier;
