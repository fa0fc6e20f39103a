/** The metadata every command and event carries: the attribution keys and the party label. */
package io.consentledger.contracts.metadata;
