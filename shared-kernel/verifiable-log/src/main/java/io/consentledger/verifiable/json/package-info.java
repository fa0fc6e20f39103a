/**
 * A minimal JSON parser and an RFC 8785 style canonical writer for the leaf encoding and the export format (JDK only).
 */
package io.consentledger.verifiable.json;
