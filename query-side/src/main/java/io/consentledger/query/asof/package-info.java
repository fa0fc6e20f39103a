/** Point-in-time audit: which signed checkpoint an {@code asOf} or {@code asOfSize} parameter names, and its problems. */
package io.consentledger.query.asof;
