/** The console: the browser pages under {@code /console/} (static files), their security headers, and who is signed in. */
package io.consentledger.query.console;
