package io.consentledger.eventstore.spring;

import com.mongodb.client.MongoDatabase;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.bson.Document;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health of what the ledger depends on, for the actuator's health and readiness groups:
 * <ul>
 *     <li>{@code mongo}: a {@code ping} to the database, the embedded store included;</li>
 *     <li>{@code processors}: every streaming processor of this instance, DOWN while one is in error, with the
 *     segments it holds and their positions.</li>
 * </ul>
 */
@AutoConfiguration(after = LedgerMongoAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class LedgerHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "mongoHealthIndicator")
    public HealthIndicator mongoHealthIndicator(MongoDatabase database) {
        return () -> {
            try {
                Document answer = database.runCommand(new Document("ping", 1));
                return Health.up().withDetail("database", database.getName())
                             .withDetail("ok", answer.get("ok")).build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean(name = "processorsHealthIndicator")
    public HealthIndicator processorsHealthIndicator(EventProcessingConfiguration processing) {
        return () -> {
            boolean healthy = true;
            Map<String, Object> details = new LinkedHashMap<>();
            for (var entry : processing.eventProcessors().entrySet()) {
                if (entry.getValue() instanceof StreamingEventProcessor processor) {
                    boolean inError = processor.isError()
                            || processor.processingStatus().values().stream().anyMatch(EventTrackerStatus::isErrorState);
                    healthy &= processor.isRunning() && !inError;
                    Map<String, Object> status = new LinkedHashMap<>();
                    status.put("running", processor.isRunning());
                    status.put("error", inError);
                    status.put("replaying", processor.isReplaying());
                    status.put("segments", processor.processingStatus().size());
                    details.put(entry.getKey(), status);
                }
            }
            return (healthy ? Health.up() : Health.down()).withDetails(details).build();
        };
    }
}
