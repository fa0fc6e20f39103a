/** The raw event log for auditors, in global order, with payload and metadata as stored. */
package io.consentledger.query.events;
