/** The notifications' Spring wiring: the {@code notifications} processor, the dispatcher bean and their settings. */
package io.consentledger.query.notification.spring;
