/** The ledger's one RFC 9457 writer, its shared problem vocabulary and the controller advice both applications extend. */
package io.consentledger.security.problem;
