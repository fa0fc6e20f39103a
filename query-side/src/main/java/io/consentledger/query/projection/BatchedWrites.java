package io.consentledger.query.projection;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A projection's writes for one batch of events, made once per batch instead of once per event.
 * <p>
 * Registered as a handler interceptor of the projection's processor, it opens a batch {@code B} in the unit of work
 * before the first event and writes it ({@code flush}) right after the batch's last event was handled. That is
 * before the processor stores its token (a prepare-commit step), and outside the dead-letter queue's invoker:
 * a failed flush fails the unit of work, the token stays where it was, and the whole batch is delivered again.
 * The handlers must therefore be idempotent per event, as every handler of a streaming processor must be anyway.
 * <p>
 * A handler runs its work with {@link #apply}. Outside such a unit of work (a dead letter retried on its own, a test
 * that calls the handler directly) the work gets a batch of its own, written at once.
 *
 * @param <B> the projection's pending writes, and whatever state its handlers must see from earlier events of the
 *            same batch
 */
public final class BatchedWrites<B> implements MessageHandlerInterceptor<EventMessage<?>> {

    private final String resourceKey;
    private final Function<Boolean, B> newBatch;
    private final Consumer<B> flush;

    /**
     * @param newBatch a new batch; its argument says whether the batch is the processor's, which holds the events
     *                 that follow its stored token, in order (false: an event delivered on its own, out of order)
     */
    public BatchedWrites(String name, Function<Boolean, B> newBatch, Consumer<B> flush) {
        this.resourceKey = BatchedWrites.class.getName() + "/" + name;
        this.newBatch = newBatch;
        this.flush = flush;
    }

    /** Runs {@code work} against the current batch, or against one of its own that is written straight after. */
    public void apply(Consumer<B> work) {
        B batch = CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().getResource(resourceKey) : null;
        if (batch != null) {
            work.accept(batch);
            return;
        }
        B own = newBatch.apply(false);
        work.accept(own);
        flush.accept(own);
    }

    /**
     * Whether the current unit of work is a processor's batch. The dead-letter queue runs the group's interceptors
     * (this one included) in a unit of work of its own, where {@code newBatch} is called with true as well.
     */
    public static boolean inProcessorBatch() {
        return CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?>;
    }

    /**
     * The token the processor of {@code processingGroup} had stored when the current batch began, as text; null
     * outside a processor's batch. A batch that fails is delivered again from that same token.
     */
    public static String storedTokenOfCurrentBatch(TokenStore tokenStore, String processingGroup) {
        Integer segment = CurrentUnitOfWork.isStarted()
                ? CurrentUnitOfWork.get().getResource("Processor[" + processingGroup + "]/SegmentId") : null;
        // Axon's WorkPackage names the segment there
        return segment == null ? null : String.valueOf(tokenStore.fetchToken(processingGroup, segment));
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain interceptorChain)
            throws Exception {
        unitOfWork.getOrComputeResource(resourceKey, key -> newBatch.apply(true));
        Object result = interceptorChain.proceed();
        if (!(unitOfWork instanceof BatchingUnitOfWork<?> batching) || batching.isLastMessage()) {
            @SuppressWarnings("unchecked")
            B batch = (B) unitOfWork.resources().remove(resourceKey);
            if (batch != null) {
                flush.accept(batch);
            }
        }
        return result;
    }
}
