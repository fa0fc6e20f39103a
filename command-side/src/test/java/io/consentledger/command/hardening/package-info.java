/** Tests of the command side's HTTP hardening (issue 14 findings 1, 9, 16, 17 and issue 13 part 3), over real sockets. */
package io.consentledger.command.hardening;
