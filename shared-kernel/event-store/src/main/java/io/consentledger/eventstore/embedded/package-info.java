/**
 * The embedded MongoDB-compatible store (mongo-java-server) for development and tests, in-process or as a process of
 * its own.
 */
package io.consentledger.eventstore.embedded;
