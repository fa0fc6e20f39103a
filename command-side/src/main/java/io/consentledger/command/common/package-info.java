/** What every aggregate and processor shares: who acts (the party in a command's metadata), refusals, and sending commands as SYSTEM. */
package io.consentledger.command.common;
