/** The command side: account links, consents and shares as Axon aggregates behind a REST command API. */
package io.consentledger.command;
