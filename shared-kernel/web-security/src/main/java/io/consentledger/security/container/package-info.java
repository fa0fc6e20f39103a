/** The servlet container's (Tomcat's) part of the hardening: refusals that read no body, problems for Tomcat's own errors, a bounded request arrival and threads kept for health. */
package io.consentledger.security.container;
