/** The balance of each linked account as known from shares: its projection, which answers its query, and its endpoint. */
package io.consentledger.query.balance;
