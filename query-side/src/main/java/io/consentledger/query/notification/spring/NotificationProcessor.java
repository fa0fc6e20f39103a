package io.consentledger.query.notification.spring;

import io.consentledger.eventstore.EventLog;
import io.consentledger.query.notification.NotificationMapper;
import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.WebhookDispatcher;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

import java.util.List;

/**
 * The {@value #GROUP} processor: the event log is the outbox. Every event that notifies someone goes to
 * {@link NotificationRecorder#record(Object, String, long)} with its global position, then the dispatcher is woken.
 * The position is read from the log ({@link EventLog#positionsOf}, one look-up on a unique index per notifying
 * event), not from the tracking token: an event that fills a gap (a commit that landed late) is delivered with a
 * token whose index stays where later events took it. Runs on <b>one segment</b> (application.yml), because the pull
 * feed numbers each subscriber's entries in the order they are written. Recording is idempotent, so an event handled
 * again after a restart changes nothing. Not replayed: a replay would send old events to webhooks registered since.
 */
@ProcessingGroup(NotificationProcessor.GROUP)
@DisallowReplay
public class NotificationProcessor {

    public static final String GROUP = "notifications";

    private final NotificationRecorder recorder;
    private final WebhookDispatcher dispatcher;
    private final EventLog eventLog;

    public NotificationProcessor(NotificationRecorder recorder, WebhookDispatcher dispatcher, EventLog eventLog) {
        this.recorder = recorder;
        this.dispatcher = dispatcher;
        this.eventLog = eventLog;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        String eventId = message.getIdentifier();
        if (NotificationMapper.map(payload, eventId, 0).isEmpty()) {
            return; // notifies nobody: no look-up
        }
        if (recorder.record(payload, eventId, positionOf(message)) > 0) {
            dispatcher.wake();
        }
    }

    private long positionOf(EventMessage<?> message) {
        EventLog.EventKey key = message instanceof DomainEventMessage<?> domain && domain.getType() != null
                ? new EventLog.EventKey(domain.getIdentifier(), domain.getAggregateIdentifier(), domain.getSequenceNumber())
                : new EventLog.EventKey(message.getIdentifier(), null, null);
        Long position = eventLog.positionsOf(List.of(key)).get(message.getIdentifier());
        if (position == null) {
            throw new IllegalStateException("Event " + message.getIdentifier() + " is not in the event log");
        }
        return position;
    }
}
