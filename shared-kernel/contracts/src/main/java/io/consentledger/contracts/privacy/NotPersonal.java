package io.consentledger.contracts.privacy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Not personal data: an identifier or fact needed to prove who saw what (consent, link, recipient, provider,
 * purpose, scope, window, time, initiator), stored in the clear and kept through an erasure.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NotPersonal {
}
