/** The command API's RFC 9457 problems: refusals, forbidden parties and invalid requests mapped onto the shared vocabulary. */
package io.consentledger.command.api.problem;
