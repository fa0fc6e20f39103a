package io.consentledger.command.api;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.RefusalReason;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

/**
 * Sends commands and turns Axon's failures into refusals. On the local bus a handler's exception arrives as-is; on
 * a distributed bus it arrives as a {@link CommandExecutionException} whose cause or details carry the refusal.
 */
@Component
public class CommandDispatcher {

    private final CommandGateway gateway;

    public CommandDispatcher(CommandGateway gateway) {
        this.gateway = gateway;
    }

    /** For a command that creates an aggregate: an existing id is a conflict. */
    public <R> R create(Object command) {
        return send(command, null, RefusalReason.ALREADY_EXISTS);
    }

    /** For a command addressed to an existing aggregate: an unknown id is {@code whenUnknown} (404). */
    public <R> R update(Object command, RefusalReason whenUnknown) {
        return send(command, whenUnknown, RefusalReason.CONCURRENT_MODIFICATION);
    }

    private <R> R send(Object command, RefusalReason whenUnknown, RefusalReason whenConcurrent) {
        try {
            return gateway.sendAndWait(command);
        } catch (AggregateNotFoundException | IncompatibleAggregateException unknown) {
            // Incompatible: the id names an aggregate of another type (a link id sent as a consent id).
            throw refusalFor(unknown, whenUnknown, whenConcurrent);
        } catch (AggregateStreamCreationException exists) {
            throw LedgerRefusal.of(RefusalReason.ALREADY_EXISTS, "The id is already taken");
        } catch (ConcurrencyException concurrent) {
            throw LedgerRefusal.of(whenConcurrent, "The aggregate was changed concurrently or already exists; retry or use a new id");
        } catch (CommandExecutionException wrapped) {
            throw refusalFor(wrapped, whenUnknown, whenConcurrent);
        }
    }

    private static RuntimeException refusalFor(RuntimeException failure, RefusalReason whenUnknown, RefusalReason whenConcurrent) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LedgerRefusal refusal) {
                return refusal;
            }
            if (t instanceof AggregateStreamCreationException) {
                return LedgerRefusal.of(RefusalReason.ALREADY_EXISTS, "The id is already taken");
            }
            if ((t instanceof AggregateNotFoundException || t instanceof IncompatibleAggregateException) && whenUnknown != null) {
                return LedgerRefusal.of(whenUnknown, "No such id");
            }
            if (t instanceof ConcurrencyException) {
                return LedgerRefusal.of(whenConcurrent, "The aggregate was changed concurrently or already exists");
            }
            if (t instanceof CommandExecutionException cee) {
                Object details = cee.getDetails().orElse(null);
                if (details instanceof RefusalReason reason) {
                    return LedgerRefusal.of(reason, String.valueOf(cee.getMessage()));
                }
                if (details instanceof String code) {
                    for (RefusalReason reason : RefusalReason.values()) {
                        if (reason.name().equals(code)) {
                            return LedgerRefusal.of(reason, String.valueOf(cee.getMessage()));
                        }
                    }
                }
            }
        }
        return failure;
    }
}
