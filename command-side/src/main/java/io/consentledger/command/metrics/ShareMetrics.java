package io.consentledger.command.metrics;

import io.consentledger.command.common.Causes;
import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts shares: {@code ledger.shares.accepted{type}} once a share's events are committed, and
 * {@code ledger.shares.refused{type,reason}} when its unit of work rolls back, with the refusal code as the reason
 * (for example {@code CONSENT_REVOKED}, {@code OUTSIDE_TRANSACTION_WINDOW}, {@code FREQUENCY_EXCEEDED}). A commit that
 * fails on a concurrent modification counts as refused, never as accepted.
 */
@Component
public class ShareMetrics implements MessageHandlerInterceptor<CommandMessage<?>> {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ShareMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object payload = unitOfWork.getMessage().getPayload();
        String type = payload instanceof ShareBalance ? "balance"
                : payload instanceof ShareTransactions ? "transactions" : null;
        if (type != null) {
            unitOfWork.afterCommit(u -> accepted(type).increment());
            unitOfWork.onRollback(u -> refused(type, reason(u.getExecutionResult() == null ? null
                    : u.getExecutionResult().getExceptionResult())).increment());
        }
        return chain.proceed();
    }

    static String reason(Throwable failure) {
        return LedgerRefusal.in(failure).map(refusal -> refusal.reason().name())
                            .orElse(Causes.find(failure, ConcurrencyException.class).isPresent() ? "CONCURRENT_MODIFICATION" : "OTHER");
    }

    private Counter accepted(String type) {
        return counters.computeIfAbsent("accepted/" + type, k -> Counter.builder("ledger.shares.accepted")
                .description("Shares of data that left a bank under a consent")
                .tag("type", type)
                .register(registry));
    }

    private Counter refused(String type, String reason) {
        return counters.computeIfAbsent("refused/" + type + "/" + reason, k -> Counter.builder("ledger.shares.refused")
                .description("Shares refused, by refusal reason")
                .tag("type", type)
                .tag("reason", reason)
                .register(registry));
    }
}
