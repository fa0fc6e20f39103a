/** Value types shared by every contract: scopes, purposes, windows, frequencies, evidence, refusal and revocation reasons, argument checks. */
package io.consentledger.contracts.common;
