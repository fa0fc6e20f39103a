package io.consentledger.eventstore.processing;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;

/**
 * Spreads processor segments over the running instances of an application.
 * <p>
 * A pooled or tracking processor claims every segment it finds unclaimed, so the first instance to start would keep
 * them all. Every {@code interval}, each instance records that it is alive in {@code processor_instances}, counts the
 * live instances of its application, and for each multi-segment processor gives up the segments it holds beyond its
 * fair share, {@code ceil(segments / live instances)}. It releases them for a few intervals, which leaves time for
 * an instance below its share to claim them. Nothing is taken over here: when an instance stops, its claims are
 * released (or expire after the token store's claim timeout), and the others' processors claim the segments as usual.
 */
public class SegmentBalancer {

    private static final Logger logger = LoggerFactory.getLogger(SegmentBalancer.class);
    static final String COLLECTION = "processor_instances";

    private final EventProcessingConfiguration processing;
    private final TokenStore tokenStore;
    private final MongoCollection<Document> instances;
    private final String application;
    private final String instanceId = UUID.randomUUID().toString();
    private final Duration interval;
    private final Duration liveness;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    public SegmentBalancer(EventProcessingConfiguration processing, TokenStore tokenStore, MongoDatabase database,
                           String application, Duration interval, Clock clock) {
        this.processing = processing;
        this.tokenStore = tokenStore;
        this.instances = database.getCollection(COLLECTION);
        this.application = application;
        this.interval = interval;
        this.liveness = interval.multipliedBy(5);
        this.clock = clock;
    }

    /** Starts balancing every {@code interval}; the application calls it once it is ready. */
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "segment-balancer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::balanceSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops balancing and removes this instance's heartbeat; the application calls it when it closes. */
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
            try {
                instances.deleteOne(eq("_id", instanceId));
            } catch (RuntimeException e) {
                logger.debug("Could not remove this instance's heartbeat", e);
            }
        }
    }

    private void balanceSafely() {
        try {
            balance();
        } catch (RuntimeException e) {
            logger.warn("Segment balancing failed this round: {}", e.toString());
        }
    }

    /** One round: heartbeat, count live instances, release segments held beyond the fair share. */
    void balance() {
        Date now = Date.from(clock.instant());
        instances.replaceOne(eq("_id", instanceId),
                             new Document("_id", instanceId).append("application", application).append("seenAt", now),
                             new ReplaceOptions().upsert(true));
        Date liveSince = Date.from(clock.instant().minus(liveness));
        long live = 0;
        for (Document instance : instances.find(gte("seenAt", liveSince))) {
            if (application.equals(instance.getString("application"))) {
                live++;
            }
        }
        if (live < 2) {
            return;
        }
        for (var entry : processing.eventProcessors().entrySet()) {
            if (entry.getValue() instanceof StreamingEventProcessor processor && processor.isRunning()) {
                release(entry.getKey(), processor, live);
            }
        }
    }

    private void release(String name, StreamingEventProcessor processor, long live) {
        int total = tokenStore.fetchSegments(name).length;
        if (total < 2) {
            return;
        }
        int fairShare = (int) Math.ceil(total / (double) live);
        List<Integer> held = processor.processingStatus().keySet().stream().sorted().toList();
        int surplus = held.size() - fairShare;
        if (surplus <= 0) {
            return;
        }
        List<Integer> toRelease = IntStream.range(held.size() - surplus, held.size()).mapToObj(held::get).toList();
        logger.info("Processor [{}]: holding {} of {} segments with {} live instances; releasing {}",
                    name, held.size(), total, live, toRelease);
        for (int segment : toRelease) {
            processor.releaseSegment(segment, interval.toMillis() * 4, TimeUnit.MILLISECONDS);
        }
    }
}
