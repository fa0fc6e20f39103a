package io.consentledger.command.expiry;

import com.mongodb.client.MongoDatabase;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
public class ExpiryConfiguration {

    @Bean
    public ExpiryBuckets expiryBuckets(MongoDatabase database) {
        return new ExpiryBuckets(database);
    }

    @Bean
    public ExpirySweeper expirySweeper(ExpiryBuckets buckets, CommandGateway commands, Clock clock,
                                       @Value("${consent-ledger.expiry.overlap-minutes:5}") long overlapMinutes) {
        return new ExpirySweeper(buckets, commands, clock, overlapMinutes);
    }

    @Bean
    @ConditionalOnProperty(name = "consent-ledger.expiry.scheduler.enabled", havingValue = "true", matchIfMissing = true)
    public ScheduledSweep scheduledSweep(ExpirySweeper sweeper) {
        return new ScheduledSweep(sweeper);
    }

    /** Runs the sweeper on a fixed delay (default every 15 s). */
    public static class ScheduledSweep {
        private final ExpirySweeper sweeper;

        ScheduledSweep(ExpirySweeper sweeper) {
            this.sweeper = sweeper;
        }

        @Scheduled(fixedDelayString = "${consent-ledger.expiry.sweep-interval:PT15S}", initialDelayString = "PT5S")
        public void sweep() {
            sweeper.sweep();
        }
    }
}
