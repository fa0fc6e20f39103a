/** The verifiable log on the query side: the tree over the event log, its signed checkpoints and their endpoints. */
package io.consentledger.query.log;
