/** Metrics of the query side: consents counted by effective status, from the consent views. */
package io.consentledger.query.metrics;
