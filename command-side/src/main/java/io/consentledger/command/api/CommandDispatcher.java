package io.consentledger.command.api;

import io.consentledger.command.common.Acting;
import io.consentledger.command.common.Causes;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.CorrelationIdFilter;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.eventstore.privacy.CustomerErasedException;
import io.consentledger.contracts.metadata.Attribution;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

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

    /** For a command that creates its aggregate if missing: a refusal inside it is {@code whenUnknown} where unknown. */
    public <R> R create(Object command, RefusalReason whenUnknown) {
        return send(command, whenUnknown, RefusalReason.CONCURRENT_MODIFICATION);
    }

    /** For a command addressed to an existing aggregate: an unknown id is {@code whenUnknown} (404). */
    public <R> R update(Object command, RefusalReason whenUnknown) {
        return send(command, whenUnknown, RefusalReason.CONCURRENT_MODIFICATION);
    }

    private <R> R send(Object command, RefusalReason whenUnknown, RefusalReason whenConcurrent) {
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command).andMetaData(attribution());
        try {
            return gateway.sendAndWait(message);
        } catch (AggregateNotFoundException | IncompatibleAggregateException unknown) {
            // Incompatible: the id names an aggregate of another type (a link id sent as a consent id).
            throw refusalFor(unknown, whenUnknown, whenConcurrent);
        } catch (AggregateStreamCreationException exists) {
            throw LedgerRefusal.of(RefusalReason.ALREADY_EXISTS, "The id is already taken");
        } catch (ConcurrencyException concurrent) {
            throw LedgerRefusal.of(whenConcurrent, "The aggregate was changed concurrently or already exists; retry or use a new id");
        } catch (CustomerErasedException erased) {
            throw erasedRefusal();
        } catch (CommandExecutionException wrapped) {
            throw refusalFor(wrapped, whenUnknown, whenConcurrent);
        }
    }

    /**
     * Who sends it, recorded in the command's metadata and, through the correlation data provider, in every event it
     * causes: the principal, the party ({@code PROVIDER:bank-1}) the aggregates check ownership against, and the
     * request's correlation id. Fails closed without an authenticated caller.
     */
    static MetaData attribution() {
        Caller caller = Callers.required();
        String correlationId = null;
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request) {
            correlationId = CorrelationIdFilter.of(request.getRequest());
        }
        return MetaData.with(Attribution.PRINCIPAL, caller.principal())
                       .and(Attribution.PARTY, caller.partyLabel().value())
                       .and(Attribution.CORRELATION_ID, correlationId != null ? correlationId : UUID.randomUUID().toString());
    }

    /** The refusal a failure stands for: a refusal in its chain, an Axon failure, or a distributed bus's details. */
    private static RuntimeException refusalFor(RuntimeException failure, RefusalReason whenUnknown, RefusalReason whenConcurrent) {
        Optional<LedgerRefusal> refusal = LedgerRefusal.in(failure);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (Causes.find(failure, CustomerErasedException.class).isPresent()) {
            return erasedRefusal();
        }
        if (Causes.find(failure, AggregateStreamCreationException.class).isPresent()) {
            return LedgerRefusal.of(RefusalReason.ALREADY_EXISTS, "The id is already taken");
        }
        if (whenUnknown != null && (Causes.find(failure, AggregateNotFoundException.class).isPresent()
                || Causes.find(failure, IncompatibleAggregateException.class).isPresent())) {
            return LedgerRefusal.of(whenUnknown, Acting.NO_SUCH_ID);
        }
        if (Causes.find(failure, ConcurrencyException.class).isPresent()) {
            return LedgerRefusal.of(whenConcurrent, "The aggregate was changed concurrently or already exists");
        }
        return Causes.find(failure, CommandExecutionException.class)
                     .flatMap(CommandDispatcher::refusalInDetails)
                     .map(RuntimeException.class::cast)
                     .orElse(failure);
    }

    /** Issue 16: the event store refused new personal data of an erased customer (its key is never re-created). */
    private static LedgerRefusal erasedRefusal() {
        return LedgerRefusal.of(RefusalReason.CUSTOMER_ERASED,
                "The customer's personal data is erased: no new personal data is recorded for it");
    }

    private static Optional<LedgerRefusal> refusalInDetails(CommandExecutionException failure) {
        Object details = failure.getDetails().orElse(null);
        String code = details instanceof RefusalReason reason ? reason.name() : details instanceof String s ? s : null;
        return Arrays.stream(RefusalReason.values())
                     .filter(reason -> reason.name().equals(code))
                     .findFirst()
                     .map(reason -> LedgerRefusal.of(reason, String.valueOf(failure.getMessage())));
    }
}
