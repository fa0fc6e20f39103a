/** The bank account link aggregate and the directory consents use to check their links. */
package io.consentledger.command.link;
