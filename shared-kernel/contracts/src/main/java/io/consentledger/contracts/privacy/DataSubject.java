package io.consentledger.contracts.privacy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The pseudonymous customer id whose key protects the event's {@link Personal} fields. Not personal itself: it is
 * the identifier an erasure is asked for. An event with a personal field has exactly one data subject.
 * <p>
 * Customer ids are chosen by providers, so a customer is identified by the pair (provider, customer):
 * {@link #provider()} names the event's component that holds the provider id.
 * <p>
 * On a field of an aggregate, it names the customer whose key protects the aggregate's snapshots, which are then
 * encrypted whole ({@link #provider()} names the sibling field holding the provider id).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface DataSubject {

    /** The name of the sibling component (or field) holding the provider id that scopes the customer id. */
    String provider() default "providerId";
}
