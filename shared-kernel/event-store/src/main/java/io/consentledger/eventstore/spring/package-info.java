/**
 * Spring Boot auto-configuration only: wires the store, the engine, the processor helpers, metrics and health into
 * both applications.
 */
package io.consentledger.eventstore.spring;
