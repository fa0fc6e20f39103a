/** Axon wiring only: aggregate repositories and their cache, snapshots, command retries and attribution of events. */
package io.consentledger.command.config;
