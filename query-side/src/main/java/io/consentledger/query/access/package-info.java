/** Everything that reads or writes the access records: the access log projection, its one reader AccessLogQueries, and the audit trail endpoints. */
package io.consentledger.query.access;
