package io.consentledger.query.log;

import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.spring.LedgerStoreProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wires the verifiable log: the tile store, the checkpoint history (bean {@code checkpointHistory}), the signing key,
 * the tree builder with its owner processor ({@value TreeOwnership#GROUP}), the proofs, and the integrity monitor
 * with its health indicator ({@code logIntegrity}) and gauge ({@code ledger.log.integrity.mismatches}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LogProperties.class)
public class LogConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(LogConfiguration.class);

    static final String KEY_FILE = "log-signing.key";

    @Bean
    TileStore tileStore(MongoDatabase database) {
        return new TileStore(database);
    }

    @Bean
    MongoCheckpointHistory checkpointHistory(MongoDatabase database) {
        return new MongoCheckpointHistory(database);
    }

    @Bean
    LogEntries logEntries(EventLog eventLog) {
        return new LogEntries(eventLog);
    }

    /**
     * Developer mode (no key configured): the key lives next to the embedded store's file ({@code data/} by
     * default), or with an in-memory store, for this run only.
     */
    @Bean
    LogSigningKey logSigningKey(LogProperties properties, LedgerStoreProperties store) {
        Path keyFile = null;
        if (properties.keyFile() != null && !properties.keyFile().isBlank()) {
            keyFile = Path.of(properties.keyFile());
        } else if (!(store.getMongodb().getUri().isBlank() && store.getMongodb().getEmbedded().isInMemory())) {
            Path storeFile = Path.of(store.getMongodb().getEmbedded().getFile()).toAbsolutePath();
            keyFile = storeFile.getParent().resolve(KEY_FILE);
        }
        return LogSigningKey.resolve(properties.signingKey(), properties.origin(), keyFile);
    }

    @Bean
    TreeBuilder treeBuilder(LogEntries entries, TileStore tiles, MongoCheckpointHistory checkpoints,
                            LogSigningKey key, Clock clock, LogProperties properties) {
        return new TreeBuilder(entries, tiles, checkpoints, key, clock, properties.checkpointInterval(),
                               properties.batchSize());
    }

    @Bean
    TreeOwnership treeOwnership(TreeBuilder builder, EventProcessingConfiguration processing, LogProperties properties) {
        return new TreeOwnership(builder, processing, Math.max(10, properties.pollInterval().toMillis()));
    }

    @Bean
    LogProofs logProofs(TileStore tiles, MongoCheckpointHistory checkpoints, LogEntries entries) {
        return new LogProofs(tiles, checkpoints, entries);
    }

    @Bean(destroyMethod = "")
    IntegrityMonitor integrityMonitor(LogEntries entries, TileStore tiles, Clock clock, LogProperties properties,
                                      MeterRegistry meters) {
        IntegrityMonitor monitor = new IntegrityMonitor(entries, tiles, clock, properties.integrityBatchSize());
        Gauge.builder("ledger.log.integrity.mismatches", monitor, IntegrityMonitor::mismatchCount)
             .description("Positions whose stored event no longer matches the verifiable log's tree")
             .register(meters);
        return monitor;
    }

    /** Runs the integrity monitor's bounded passes in the background. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService integrityMonitorScheduler(IntegrityMonitor monitor, LogProperties properties) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "log-integrity");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(10, properties.integrityInterval().toMillis());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                monitor.pass();
            } catch (RuntimeException e) {
                logger.warn("The integrity monitor's pass failed, retrying: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** DOWN while any stored event does not match the tree. */
    @Bean
    HealthIndicator logIntegrity(IntegrityMonitor monitor) {
        return () -> {
            IntegrityMonitor.Report report = monitor.report();
            Health.Builder health = report.mismatches().isEmpty() ? Health.up() : Health.down();
            return health.withDetail("treeSize", report.treeSize())
                         .withDetail("mismatches", report.mismatches().size())
                         .withDetail("positions", report.mismatches().stream().limit(20)
                                                        .map(IntegrityMonitor.Mismatch::position).toList())
                         .build();
        };
    }
}
