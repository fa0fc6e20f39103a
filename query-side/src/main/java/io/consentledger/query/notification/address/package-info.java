/** The SSRF address policy for webhook URLs, applied at registration and again to the resolved address at delivery. */
package io.consentledger.query.notification.address;
