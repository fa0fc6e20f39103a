/**
 * Issue 16 on the query side: when a customer's data is erased, the cached key is dropped and the read models that
 * hold the customer's personal values are scrubbed, keeping who saw what, when, under which consent and purpose.
 */
package io.consentledger.query.erasure;
