/**
 * The customer as a data subject (issue 16): the erasure request, the retention rule, the sweep that destroys the
 * customer's key when the retention ends, and the guard that refuses new personal data once erasure was asked for.
 */
package io.consentledger.command.customer;
