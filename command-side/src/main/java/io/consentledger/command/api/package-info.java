/** The command API: every piece of HTTP code on the command side (controllers, request bodies, who may call what, the filters around them) lives under this package. */
package io.consentledger.command.api;
