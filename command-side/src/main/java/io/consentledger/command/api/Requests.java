package io.consentledger.command.api;

import io.consentledger.command.api.problem.InvalidRequest;

import java.util.function.Supplier;

final class Requests {

    private Requests() {
    }

    /** Builds a command from a request body; the contracts' argument checks become 400 problems. */
    static <T> T build(Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequest(invalid.getMessage());
        }
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidRequest(field + " is required");
        }
        return value;
    }
}
