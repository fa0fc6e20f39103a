/** The query side's wiring: the application, its processors, their dead-letter queues and batched writes. */
package io.consentledger.query;
