/** Request bodies before a controller sees them: bounded by the shared body limit, buffered once, and read as strict JSON. */
package io.consentledger.command.api.body;
