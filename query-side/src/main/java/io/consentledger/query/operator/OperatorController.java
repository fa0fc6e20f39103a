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

    private final EventProcessingConfiguration processing;

    public OperatorController(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    public record ParkedEvent(String processingGroup, String messageId, String payloadType, String cause,
                              Instant enqueuedAt, Instant lastTouched) {
    }

    public record RetryResult(String processingGroup, int sequencesRetried, boolean queueEmpty) {
    }

    public record ProcessorStatus(String name, boolean running, boolean replaying, int segmentsClaimed,
                                  Long slowestPosition) {
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
        new TreeMap<>(processing.eventProcessors()).forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                Map<Integer, EventTrackerStatus> status = streaming.processingStatus();
                Long slowest = status.values().stream().map(EventTrackerStatus::getCurrentPosition)
                                     .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                                     .min(Long::compare).orElse(null);
                result.add(new ProcessorStatus(name, streaming.isRunning(), streaming.isReplaying(), status.size(),
                                               slowest));
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
        return processors().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static ParkedEvent describe(String group, DeadLetter<? extends EventMessage<?>> letter) {
        return new ParkedEvent(group, letter.message().getIdentifier(), letter.message().getPayloadType().getName(),
                               letter.cause().map(c -> c.type() + ": " + c.message()).orElse(null),
                               letter.enqueuedAt(), letter.lastTouched());
    }
}
