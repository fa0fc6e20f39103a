package io.consentledger.query.notification.spring;

import io.consentledger.query.notification.delivery.RetrySchedule;
import io.consentledger.query.notification.delivery.WebhookDispatcher;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code consent-ledger.webhooks.*}: which URLs the ledger may call and how the dispatcher runs. The defaults are
 * the production values (docs/notifications.md).
 *
 * @param allowInsecureLoopback whether a webhook may be a loopback address over plain {@code http}: development
 *                              ({@code deploy/local/run.sh} sets it) and tests only; never in production
 * @param dispatcher            the dispatcher's pool, timeouts, poll interval and retry schedule
 * @param processorLinger       how long the {@code notifications} processor's stream holds events back while fewer
 *                              than a batch wait, so that they are recorded as one batch (its cost is mostly per
 *                              batch); a batch's worth is released at once. Zero: no linger. Adds at most this much to
 *                              a notification's latency.
 */
@ConfigurationProperties("consent-ledger.webhooks")
public record WebhookProperties(@DefaultValue("false") boolean allowInsecureLoopback,
                                @DefaultValue Dispatcher dispatcher,
                                @DefaultValue("50ms") Duration processorLinger) {

    public WebhookProperties {
        if (processorLinger.isNegative()) {
            throw new IllegalArgumentException("consent-ledger.webhooks.processor-linger must not be negative");
        }
    }

    /**
     * @param workers            threads sending requests
     * @param perWebhookInFlight the most requests to one webhook in flight at once (a slot is free again when a request
     *                           ends, before its outcome is stored)
     * @param connectTimeout     connect timeout of one attempt
     * @param totalTimeout       the most one attempt may take
     * @param pollInterval       how often the dispatcher sweeps the outbox for deliveries its queue does not know
     * @param retryDelays        the waits after the 1st, 2nd, … failed attempt; after the last the delivery is given up
     * @param retryJitter        each wait is changed by up to this fraction, at random
     */
    public record Dispatcher(@DefaultValue("16") int workers,
                             @DefaultValue("4") int perWebhookInFlight,
                             @DefaultValue("2s") Duration connectTimeout,
                             @DefaultValue("10s") Duration totalTimeout,
                             @DefaultValue("10s") Duration pollInterval,
                             @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h"}) List<Duration> retryDelays,
                             @DefaultValue("0.1") double retryJitter) {

        public Dispatcher {
            if (workers < 1 || perWebhookInFlight < 1) {
                throw new IllegalArgumentException("consent-ledger.webhooks.dispatcher: workers and "
                        + "per-webhook-in-flight must be at least 1");
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero() || totalTimeout.isNegative()
                    || totalTimeout.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("consent-ledger.webhooks.dispatcher: timeouts and the poll "
                        + "interval must be positive");
            }
            retryDelays = List.copyOf(retryDelays);
        }

        WebhookDispatcher.Settings settings() {
            return new WebhookDispatcher.Settings(workers, perWebhookInFlight, connectTimeout, totalTimeout,
                    pollInterval);
        }

        RetrySchedule retrySchedule() {
            return new RetrySchedule(retryDelays, retryJitter);
        }
    }
}
