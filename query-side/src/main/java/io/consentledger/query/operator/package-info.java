/** Operator endpoints: parked events and their retry, processor status and replays. */
package io.consentledger.query.operator;
