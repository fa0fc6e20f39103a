package io.consentledger.eventstore.processing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Exposes, per streaming processor, how many global positions it is behind the head of the log:
 * {@code ledger.processor.lag.events{processor=…}}. The time lag comes from axon-micrometer's latency monitor.
 * The head is read at most once a second, whatever the scrape rate.
 */
public class ProcessorLagMetrics {

    private final EventProcessingConfiguration processing;
    private final LongSupplier headOfLog;
    private volatile long cachedHead;
    private volatile long headReadAt;

    /**
     * @param headOfLog reads the head of the log (the event storage engine's {@code headPosition})
     */
    public ProcessorLagMetrics(EventProcessingConfiguration processing, LongSupplier headOfLog) {
        this.processing = processing;
        this.headOfLog = headOfLog;
    }

    /** Registers one gauge per streaming processor; called once the processors exist. */
    public void register(MeterRegistry meters) {
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                Gauge.builder("ledger.processor.lag.events", streaming, this::lag)
                     .tag("processor", name)
                     .description("Global positions between the head of the log and the processor's slowest segment")
                     .register(meters);
            }
        });
    }

    /** Head minus the lowest position over the processor's segments; -1 when it has no segment claimed here. */
    double lag(StreamingEventProcessor processor) {
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        if (status.isEmpty()) {
            return -1;
        }
        long slowest = Long.MAX_VALUE;
        for (EventTrackerStatus segment : status.values()) {
            OptionalLong position = segment.getCurrentPosition();
            slowest = Math.min(slowest, position.orElse(0));
        }
        return Math.max(0, head() - slowest);
    }

    private long head() {
        long now = System.nanoTime();
        if (now - headReadAt > 1_000_000_000L) {
            cachedHead = headOfLog.getAsLong();
            headReadAt = now;
        }
        return cachedHead;
    }
}
