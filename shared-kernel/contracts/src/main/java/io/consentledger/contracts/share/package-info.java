/** Shares of balances and transactions under a consent: commands, events, queries and the command API's answers. */
package io.consentledger.contracts.share;
