/** What is personal data of the customer in an event: the classification every event field carries (issue 16). */
package io.consentledger.contracts.privacy;
