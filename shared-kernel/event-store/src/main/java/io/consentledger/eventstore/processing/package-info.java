/**
 * Helpers for the streaming event processors, free of Spring: the waking event source, segment balancing over
 * instances and processor lag metrics.
 */
package io.consentledger.eventstore.processing;
