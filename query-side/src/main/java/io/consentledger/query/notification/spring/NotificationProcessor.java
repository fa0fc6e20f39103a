package io.consentledger.query.notification.spring;

import io.consentledger.eventstore.EventLog;
import io.consentledger.query.notification.AddressedNotification;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.projection.BatchedWrites;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@value #GROUP} processor: the event log is the outbox. Every event that notifies someone joins the current
 * batch of the processor ({@link BatchedWrites}, registered as its handler interceptor); once the batch's last event
 * is handled, and before the token moves, the batch's global positions are read from the log in one look-up
 * ({@link EventLog#positionsOf}) and the whole batch goes to {@link NotificationRecorder#recordAll}, which writes it
 * in bulk and hands the pending deliveries to the dispatcher. A failed write fails the batch, which is handled again
 * from the same token.
 * <p>
 * The position is read from the log, not from the tracking token: an event that fills a gap (a commit that landed
 * late) is delivered with a token whose index stays where later events took it. Runs on <b>one segment</b>
 * (application.yml), because the pull feed numbers each subscriber's entries in the order they are written.
 * Recording is idempotent, so an event handled again after a restart changes nothing. Not replayed: a replay would
 * send old events to webhooks registered since.
 */
@ProcessingGroup(NotificationProcessor.GROUP)
@DisallowReplay
public class NotificationProcessor {

    public static final String GROUP = "notifications";

    /** An event of the batch that notifies someone, and where to find it in the log. */
    record Pending(Object payload, String eventId, EventLog.EventKey key) {
    }

    private final NotificationRecorder recorder;
    private final EventLog eventLog;
    private final BatchedWrites<List<Pending>> batches;

    public NotificationProcessor(NotificationRecorder recorder, EventLog eventLog) {
        this.recorder = recorder;
        this.eventLog = eventLog;
        // the dead-letter queue runs this interceptor too, in a unit of work of its own: only the processor's batches
        // are batching units of work
        this.batches = new BatchedWrites<>(GROUP, fromProcessor -> fromProcessor && BatchedWrites.inProcessorBatch()
                ? new ArrayList<>() : new OnItsOwn(), this::recordAll);
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        String eventId = message.getIdentifier();
        if (NotificationMapper.map(payload, eventId, 0).isEmpty()) {
            return; // notifies nobody
        }
        EventLog.EventKey key = message instanceof DomainEventMessage<?> domain && domain.getType() != null
                ? new EventLog.EventKey(domain.getIdentifier(), domain.getAggregateIdentifier(), domain.getSequenceNumber())
                : new EventLog.EventKey(message.getIdentifier(), null, null);
        batches.apply(batch -> batch.add(new Pending(payload, eventId, key)));
    }

    /** An event delivered on its own (a dead letter), not in the processor's batch: the feed looks it up. */
    private static final class OnItsOwn extends ArrayList<Pending> {
    }

    private void recordAll(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, Long> positions = eventLog.positionsOf(batch.stream().map(Pending::key).toList());
        List<AddressedNotification> notifications = new ArrayList<>();
        for (Pending pending : batch) {
            Long position = positions.get(pending.eventId());
            if (position == null) {
                throw new IllegalStateException("Event " + pending.eventId() + " is not in the event log");
            }
            NotificationMapper.map(pending.payload(), pending.eventId(), position).ifPresent(notifications::add);
        }
        recorder.recordAll(notifications, batch instanceof OnItsOwn);
    }

    /** Registered on the {@value #GROUP} processor: a batch's notifications are recorded together. */
    public BatchedWrites<?> batchedWrites() {
        return batches;
    }
}
