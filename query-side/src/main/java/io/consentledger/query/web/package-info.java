/** RFC 9457 problem details for the query side's HTTP API. */
package io.consentledger.query.web;
