/** Auditing the auditors: a log of every query an auditor makes and of every call to the audit endpoints. */
package io.consentledger.query.auditors;
