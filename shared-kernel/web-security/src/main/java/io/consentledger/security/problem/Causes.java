package io.consentledger.security.problem;

import java.util.Optional;

/** Finds what a handler threw under the wrappers of a bus or an executor (Axon, CompletableFuture). */
public final class Causes {

    private Causes() {
    }

    /** The first throwable of {@code type} in {@code failure}'s cause chain, {@code failure} itself included. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
