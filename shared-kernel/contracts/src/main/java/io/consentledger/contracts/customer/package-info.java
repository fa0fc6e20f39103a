/** A customer as a data subject: erasure of the customer's personal data (issue 16). */
package io.consentledger.contracts.customer;
