/** Strict JSON for the command API: unknown or duplicate properties, trailing tokens and scalar coercions are refused. */
package io.consentledger.command.api.json;
