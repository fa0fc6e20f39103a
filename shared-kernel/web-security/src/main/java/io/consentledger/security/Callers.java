package io.consentledger.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import java.util.Optional;

/** The caller of the current request, from Spring Security's context. */
public final class Callers {

    private Callers() {
    }

    public static Optional<Caller> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof CallerAuthentication caller && authentication.isAuthenticated()) {
            return Optional.of(caller.caller());
        }
        return Optional.empty();
    }

    /** The current caller; fails closed when there is none (code that needs a caller never runs anonymously). */
    public static Caller required() {
        return current().orElseThrow(() -> new NotAuthenticated());
    }

    /** Thrown when code that needs a caller runs without one; answered 401. */
    public static class NotAuthenticated extends RuntimeException {
        public NotAuthenticated() {
            super("No authenticated caller");
        }
    }
}
