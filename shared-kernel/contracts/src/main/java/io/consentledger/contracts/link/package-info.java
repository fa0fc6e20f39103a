/** Bank account link commands, events, status and the command API's answer to them. */
package io.consentledger.contracts.link;
