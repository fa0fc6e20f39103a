/** Command-side business metrics: shares accepted and refused, by refusal reason. */
package io.consentledger.command.metrics;
