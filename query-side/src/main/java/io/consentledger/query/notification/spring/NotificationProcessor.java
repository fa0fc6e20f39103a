package io.consentledger.query.notification.spring;

import io.consentledger.query.notification.delivery.NotificationRecorder;
import io.consentledger.query.notification.delivery.WebhookDispatcher;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.annotation.MessageIdentifier;

/**
 * The {@value #GROUP} processor: the event log is the outbox. Every event goes to
 * {@link NotificationRecorder#record(Object, String, long)} with its global position (events that notify nobody are
 * ignored there), then the dispatcher is woken. Runs on <b>one segment</b> (application.yml), because the pull feed
 * numbers each subscriber's entries in the order they are written. Recording is idempotent, so an event handled again
 * after a restart changes nothing. Not replayed: a replay would send old events to webhooks registered since.
 */
@ProcessingGroup(NotificationProcessor.GROUP)
@DisallowReplay
public class NotificationProcessor {

    public static final String GROUP = "notifications";

    private final NotificationRecorder recorder;
    private final WebhookDispatcher dispatcher;

    public NotificationProcessor(NotificationRecorder recorder, WebhookDispatcher dispatcher) {
        this.recorder = recorder;
        this.dispatcher = dispatcher;
    }

    @EventHandler
    void on(Object payload, @MessageIdentifier String eventId, TrackingToken token) {
        long position = token == null ? -1 : token.position().orElse(-1);
        if (recorder.record(payload, eventId, position) > 0) {
            dispatcher.wake();
        }
    }
}
