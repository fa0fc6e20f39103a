/** The query side's OpenAPI document: security schemes, the RFC 9457 problem types and their examples. */
package io.consentledger.query.apidocs;
