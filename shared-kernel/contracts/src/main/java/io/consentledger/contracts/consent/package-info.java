/** Consent commands, events, queries, states and the command API's answer to them. */
package io.consentledger.contracts.consent;
