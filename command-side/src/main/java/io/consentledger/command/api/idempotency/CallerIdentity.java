package io.consentledger.command.api.idempotency;

import io.consentledger.security.Callers;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling, as a key for per-caller state (idempotency keys are scoped to it): the authenticated caller's
 * party and principal. Fails closed: without an authenticated caller there is no key.
 */
public interface CallerIdentity {

    String callerOf(HttpServletRequest request);

    static CallerIdentity authenticated() {
        return request -> Callers.required().key();
    }
}
