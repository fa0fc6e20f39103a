package io.consentledger.command.common;

import java.util.Optional;

/** The one walker of a cause chain on the command side: Axon and the event store wrap what a handler threw. */
public final class Causes {

    private Causes() {
    }

    /** The first throwable of {@code type} in {@code failure}'s cause chain, {@code failure} itself included. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
