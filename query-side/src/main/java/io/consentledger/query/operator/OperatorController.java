package io.consentledger.query.operator;

import io.consentledger.query.web.QueryProblems;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/** For operators: parked events and their retry, processor status and replays. */
@RestController
@RequestMapping("/api/v1/operator")
public class OperatorController {

    /** How many parked sequences one retry call processes at most. */
    static final int MAX_RETRIES_PER_CALL = 1000;

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(OperatorController.class);

    private final EventProcessingConfiguration processing;
    private final io.consentledger.eventstore.EventLog eventLog;
    private final java.util.concurrent.ScheduledExecutorService progressReporter =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "replay-progress");
                thread.setDaemon(true);
                return thread;
            });

    public OperatorController(EventProcessingConfiguration processing, io.consentledger.eventstore.EventLog eventLog) {
        this.processing = processing;
        this.eventLog = eventLog;
    }

    @jakarta.annotation.PreDestroy
    void stopReporting() {
        progressReporter.shutdownNow();
    }

    public record ParkedEvent(String processingGroup, String messageId, String payloadType, String cause,
                              Instant enqueuedAt, Instant lastTouched) {
    }

    public record RetryResult(String processingGroup, int sequencesRetried, boolean queueEmpty) {
    }

    /**
     * @param slowestPosition the global position of this instance's slowest segment
     * @param headPosition    the head of the event log
     * @param progressPercent how far the slowest segment is through the log (100 when caught up)
     */
    public record ProcessorStatus(String name, boolean running, boolean replaying, int segmentsClaimed,
                                  Long slowestPosition, long headPosition, Double progressPercent) {
    }

    @GetMapping("/dead-letters")
    public List<ParkedEvent> deadLetters() {
        List<ParkedEvent> parked = new ArrayList<>();
        processing.eventProcessors().keySet().forEach(group -> processing.deadLetterQueue(group).ifPresent(
                queue -> queue.deadLetters().forEach(sequence -> sequence.forEach(
                        letter -> parked.add(describe(group, letter))))));
        return parked;
    }

    @PostMapping("/dead-letters/{group}/retry")
    public RetryResult retry(@PathVariable String group) {
        SequencedDeadLetterProcessor<EventMessage<?>> processor = processing.sequencedDeadLetterProcessor(group)
                .orElseThrow(() -> new QueryProblems.NotFound("No dead-letter queue for " + group));
        int retried = 0;
        while (retried < MAX_RETRIES_PER_CALL && processor.processAny()) {
            retried++;
        }
        SequencedDeadLetterQueue<EventMessage<?>> queue = processing.deadLetterQueue(group).orElseThrow();
        return new RetryResult(group, retried, !queue.deadLetters().iterator().hasNext());
    }

    @GetMapping("/processors")
    public List<ProcessorStatus> processors() {
        List<ProcessorStatus> result = new ArrayList<>();
        long head = eventLog.head();
        new TreeMap<>(processing.eventProcessors()).forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                result.add(status(name, streaming, head));
            }
        });
        return result;
    }

    /**
     * Rebuilds a projection from the start of the log: stops the processor here, clears its read model (its
     * {@code @ResetHandler}), resets its tokens and starts it again. Other instances must not hold its segments.
     */
    @PostMapping("/processors/{name}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public ProcessorStatus replay(@PathVariable String name) {
        StreamingEventProcessor processor = processing.eventProcessor(name, StreamingEventProcessor.class)
                .orElseThrow(() -> new QueryProblems.NotFound("No streaming processor " + name));
        processor.shutDown();
        processor.resetTokens();
        processor.start();
        long head = eventLog.head();
        logger.info("Replay of [{}] started: rebuilding from the start of the log, {} positions", name, head);
        reportProgress(name, processor, head, System.nanoTime());
        return status(name, processor, head);
    }

    /**
     * Stops a processor on this instance (it releases its segments; another instance may claim them) until
     * {@code start}. For maintenance and for measuring what a processor costs (the benchmark's A/B phase); a stopped
     * projection falls behind and catches up from its token when started.
     */
    @PostMapping("/processors/{name}/stop")
    public ProcessorStatus stop(@PathVariable String name) {
        StreamingEventProcessor processor = streaming(name);
        processor.shutDown();
        logger.info("Processor [{}] stopped by an operator", name);
        return status(name, processor, eventLog.head());
    }

    /** Starts a processor stopped by {@code stop} (nothing happens to a running one). */
    @PostMapping("/processors/{name}/start")
    public ProcessorStatus start(@PathVariable String name) {
        StreamingEventProcessor processor = streaming(name);
        if (!processor.isRunning()) {
            processor.start();
            logger.info("Processor [{}] started by an operator", name);
        }
        return status(name, processor, eventLog.head());
    }

    private StreamingEventProcessor streaming(String name) {
        return processing.eventProcessor(name, StreamingEventProcessor.class)
                         .orElseThrow(() -> new QueryProblems.NotFound("No streaming processor " + name));
    }

    /** Logs a replay's progress every few seconds until the processor has caught up with the head it started at. */
    private void reportProgress(String name, StreamingEventProcessor processor, long target, long startedNanos) {
        progressReporter.schedule(() -> {
            ProcessorStatus status = status(name, processor, target);
            long elapsedSeconds = Math.max(1, (System.nanoTime() - startedNanos) / 1_000_000_000L);
            long done = status.slowestPosition() == null ? 0 : status.slowestPosition();
            if (!processor.isRunning() || done >= target) {
                logger.info("Replay of [{}] finished: {} positions in {} s", name, target, elapsedSeconds);
                return;
            }
            long rate = done / elapsedSeconds;
            logger.info("Replay of [{}]: {}% ({} of {} positions, {}/s, about {} s left)", name,
                        String.format("%.1f", status.progressPercent()), done, target, rate,
                        rate == 0 ? "?" : (target - done) / rate);
            reportProgress(name, processor, target, startedNanos);
        }, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static ProcessorStatus status(String name, StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> segments = processor.processingStatus();
        Long slowest = segments.values().stream().map(EventTrackerStatus::getCurrentPosition)
                               .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                               .min(Long::compare).orElse(null);
        Double progress = slowest == null ? null : head == 0 ? 100.0 : Math.min(100.0, 100.0 * slowest / head);
        return new ProcessorStatus(name, processor.isRunning(), processor.isReplaying(), segments.size(), slowest,
                                   head, progress);
    }

    private static ParkedEvent describe(String group, DeadLetter<? extends EventMessage<?>> letter) {
        return new ParkedEvent(group, letter.message().getIdentifier(), letter.message().getPayloadType().getName(),
                               letter.cause().map(c -> c.type() + ": " + c.message()).orElse(null),
                               letter.enqueuedAt(), letter.lastTouched());
    }
}
