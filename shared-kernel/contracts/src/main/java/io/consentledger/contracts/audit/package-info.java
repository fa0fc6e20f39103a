/** Queries and filters of the audit trail: access records, recipients of a customer, compliance checks. */
package io.consentledger.contracts.audit;
