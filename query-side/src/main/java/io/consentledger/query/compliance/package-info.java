/** The compliance check: re-derives each consent's terms from the events and checks every share against them with pure rules (ShareChecks). */
package io.consentledger.query.compliance;
