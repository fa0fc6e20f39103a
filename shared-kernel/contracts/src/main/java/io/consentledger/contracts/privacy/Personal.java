package io.consentledger.contracts.privacy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Personal data of the event's {@link DataSubject}: stored encrypted under the customer's key, and read as
 * {@code null} once the customer's data is erased. Handlers of an event must accept {@code null} here.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Personal {
}
